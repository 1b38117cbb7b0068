//! Per-token rate limit (GCRA, from `governor`): one token's burst never slows another token.

use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::{AppError, AppResult};

pub struct RateLimiter {
    inner: DefaultKeyedRateLimiter<String>,
}

impl RateLimiter {
    pub fn per_minute(requests: u32) -> RateLimiter {
        let n = NonZeroU32::new(requests.max(1)).unwrap_or(NonZeroU32::MIN);
        RateLimiter {
            inner: governor::RateLimiter::keyed(Quota::per_minute(n)),
        }
    }

    /// Counts one request for this token; RATE_LIMITED, saying when to retry, once its quota is spent.
    pub fn check(&self, jti: &str) -> AppResult<()> {
        self.inner.check_key(&jti.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(self.inner.clock()));
            AppError::RateLimited {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            }
        })
    }

    /// Forgets tokens idle long enough to be back at a full quota, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.inner.retain_recent();
        self.inner.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_token_exhausted_leaves_others_alone() {
        let limiter = RateLimiter::per_minute(3);
        for _ in 0..3 {
            assert!(limiter.check("a").is_ok());
        }
        assert!(matches!(
            limiter.check("a"),
            Err(AppError::RateLimited { retry_after_secs }) if (1..=20).contains(&retry_after_secs)
        ));
        assert!(limiter.check("b").is_ok());
    }
}

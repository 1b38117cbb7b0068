//! Per-token rate limit (GCRA, from `governor`): one token's burst never slows another token.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::{AppError, AppResult};

pub struct RateLimiter {
    inner: DefaultKeyedRateLimiter<String>,
}

/// Seconds until a spent quota has room for one more request, for `Retry-After` (the process's last
/// configured limiter; one per process outside tests).
static RETRY_AFTER_SECS: AtomicU64 = AtomicU64::new(1);

/// The `Retry-After` of a RATE_LIMITED answer.
pub fn retry_after_secs() -> u64 {
    RETRY_AFTER_SECS.load(Ordering::Relaxed)
}

impl RateLimiter {
    pub fn per_minute(requests: u32) -> RateLimiter {
        let n = NonZeroU32::new(requests.max(1)).unwrap_or(NonZeroU32::MIN);
        RETRY_AFTER_SECS.store(60u64.div_ceil(u64::from(n.get())).max(1), Ordering::Relaxed);
        RateLimiter {
            inner: governor::RateLimiter::keyed(Quota::per_minute(n)),
        }
    }

    /// Counts one request for this token; RATE_LIMITED once its quota is spent.
    pub fn check(&self, jti: &str) -> AppResult<()> {
        self.inner
            .check_key(&jti.to_owned())
            .map_err(|_| AppError::RateLimited)
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
        assert!(matches!(limiter.check("a"), Err(AppError::RateLimited)));
        assert!(limiter.check("b").is_ok());
    }
}

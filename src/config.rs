//! Configuration, read once in `main`: command-line flags, then `LIENTHONG_*` environment variables, then
//! defaults. Library code receives a `Config` and never reads the environment itself.

use std::path::PathBuf;
use std::time::Duration;

/// Settings shared by every subcommand. Each flag can also be given by the environment variable named.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// Database URL: `sqlite://FILE?mode=rwc` (embedded default) or `postgres://...`.
    #[arg(
        long,
        global = true,
        env = "LIENTHONG_DATABASE_URL",
        default_value = "sqlite://lienthong.db?mode=rwc"
    )]
    pub database_url: String,
    /// HMAC secret for signing tokens (at least 32 bytes).
    #[arg(
        long,
        global = true,
        env = "LIENTHONG_JWT_SECRET",
        hide_env_values = true
    )]
    pub jwt_secret: Option<String>,
    /// File holding the HMAC secret for signing tokens.
    #[arg(long, global = true, env = "LIENTHONG_JWT_SECRET_FILE")]
    pub jwt_secret_file: Option<PathBuf>,
    /// JSON key set of HS256 signing keys with ids (managed by `lienthong key`); beside a SQLite
    /// database it defaults to `DB.jwt-keys.json` when that file exists.
    #[arg(long, global = true, env = "LIENTHONG_JWT_KEYSET_FILE")]
    pub jwt_keyset_file: Option<PathBuf>,
    /// PEM private key (Ed25519 or RSA) for signing tokens with EdDSA or RS256 instead of HS256.
    #[arg(
        long,
        global = true,
        env = "LIENTHONG_JWT_PRIVATE_KEY_FILE",
        requires = "jwt_public_key_file"
    )]
    pub jwt_private_key_file: Option<PathBuf>,
    /// PEM public key matching `--jwt-private-key-file`, for verifying tokens.
    #[arg(long, global = true, env = "LIENTHONG_JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// Tracing filter, e.g. `info` or `lienthong=debug,info`.
    #[arg(long, global = true, env = "LIENTHONG_LOG", default_value = "info")]
    pub log: String,
    /// Log format: `text` or `json`.
    #[arg(
        long,
        global = true,
        env = "LIENTHONG_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

/// Settings only the server needs.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LIENTHONG_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Origins allowed to call the API from a browser (comma-separated); none by default.
    #[arg(long, env = "LIENTHONG_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Serve schema introspection and field suggestions (on with --demo, off otherwise).
    #[arg(long, env = "LIENTHONG_INTROSPECTION")]
    pub introspection: Option<bool>,
    /// Seconds a request may take before it is answered with 503 TIMEOUT.
    #[arg(long, env = "LIENTHONG_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Maximum database connections in the pool.
    #[arg(long, env = "LIENTHONG_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// JSON file with the epidemic-level rule table (decision, caseBands, coverageThreshold, matrix).
    #[arg(long, env = "LIENTHONG_EPIDEMIC_RULES_FILE")]
    pub epidemic_rules_file: Option<PathBuf>,
    /// Province time ("HH:MM") a district's daily vaccination answer is due when its call sets no
    /// deadline (before the Department of Health's own 17:00 report).
    #[arg(long, env = "LIENTHONG_DISTRICT_DAILY_DUE", default_value = "16:00")]
    pub district_daily_due: String,
    /// Requests per minute allowed for one token.
    #[arg(long, env = "LIENTHONG_RATE_LIMIT_PER_MINUTE", default_value_t = 1200)]
    pub rate_limit_per_minute: u32,
    /// Serve only operations an administrator has registered (`registerOperation`) to non-ADMIN tokens.
    #[arg(long, env = "LIENTHONG_OPERATION_ALLOW_LIST")]
    pub operation_allow_list: bool,
    /// Seconds between the server's pings on `/graphql/ws` (a `ping` message and a WebSocket ping frame).
    #[arg(long, env = "LIENTHONG_WS_PING_SECONDS", default_value_t = 15)]
    pub ws_ping_seconds: u64,
    /// Seconds a socket may stay silent after a ping (no pong, no message) before it is closed as gone.
    #[arg(long, env = "LIENTHONG_WS_PONG_GRACE_SECONDS", default_value_t = 30)]
    pub ws_pong_grace_seconds: u64,
    /// Subscriptions one socket may hold at once.
    #[arg(long, env = "LIENTHONG_WS_MAX_SUBSCRIPTIONS", default_value_t = 20)]
    pub ws_max_subscriptions: usize,
    /// Sockets one token may hold open at once (per server process).
    #[arg(long, env = "LIENTHONG_WS_MAX_SOCKETS_PER_TOKEN", default_value_t = 10)]
    pub ws_max_sockets_per_token: usize,
    /// Address of a separate listener serving `/metrics` only (e.g. 127.0.0.1:9090); off by default.
    #[arg(long, env = "LIENTHONG_METRICS_BIND")]
    pub metrics_bind: Option<String>,
    /// Serve `/metrics` on the public port too, to requests bearing this token; off by default.
    #[arg(long, env = "LIENTHONG_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Largest CSV file (bytes) accepted by `POST /import/*.csv`.
    #[arg(long, env = "LIENTHONG_IMPORT_LIMIT_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub import_limit_bytes: usize,
    /// Most events replayed to a subscription resuming `after` a cursor.
    #[arg(long, env = "LIENTHONG_REPLAY_MAX_EVENTS", default_value_t = 1000)]
    pub replay_max_events: u32,
    /// Oldest cursor (hours) a subscription may resume from.
    #[arg(long, env = "LIENTHONG_REPLAY_MAX_HOURS", default_value_t = 24)]
    pub replay_max_hours: u32,
    /// Lowest epidemic-area level that makes a traveller "from an epidemic area" (a lockdown always does).
    #[arg(long, env = "LIENTHONG_EPIDEMIC_AREA_MIN_LEVEL", default_value_t = 3)]
    pub epidemic_area_min_level: i32,
    /// Hours after the crossing by which an alerted traveller's first contact is due.
    #[arg(long, env = "LIENTHONG_FOLLOW_UP_DUE_HOURS", default_value_t = 24)]
    pub follow_up_due_hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The resolved configuration of one process.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub jwt_secret: Option<String>,
    pub jwt_secret_file: Option<PathBuf>,
    /// Key pair (private, public) in PEM; when set, tokens use EdDSA or RS256 and the secret is unused.
    pub jwt_key_pair: Option<(PathBuf, PathBuf)>,
    pub bind: String,
    pub cors_origins: Vec<String>,
    pub introspection: bool,
    pub request_timeout: Duration,
    /// How long a request waits for a pooled connection before it is answered UNAVAILABLE.
    pub db_acquire_timeout: Duration,
    pub db_max_connections: u32,
    /// How long a DataLoader collects keys before it queries: longer windows batch more of a slow
    /// request's rows into one statement, at that much latency per nesting level.
    pub loader_batch_window: Duration,
    /// Slow clients must finish sending headers within this time.
    pub header_read_timeout: Duration,
    /// In-flight requests get this long to finish after SIGTERM.
    pub shutdown_grace: Duration,
    pub body_limit_bytes: usize,
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    pub rate_limit_per_minute: u32,
    /// Non-ADMIN tokens may run registered operations only.
    pub operation_allow_list: bool,
    pub token_issuer: String,
    pub token_audience: String,
    /// Allowed clock skew when checking `exp` and `nbf`.
    pub token_leeway_secs: u64,
    /// How often `last_used_at` of tokens is written back.
    pub token_usage_flush: Duration,
    /// The epidemic-level rule table in force (Decision 4800/QĐ-BYT unless a file gives another).
    pub epidemic_rules: crate::levels::rules::RuleTable,
    /// Province time a district's daily vaccination answer is due when its call sets no deadline.
    pub district_daily_due: chrono::NaiveTime,
    /// `/graphql/ws`: interval of the server's pings.
    pub ws_ping_interval: Duration,
    /// `/graphql/ws`: silence after a ping after which the peer is taken as gone.
    pub ws_pong_grace: Duration,
    pub ws_max_subscriptions: usize,
    pub ws_max_sockets_per_token: usize,
    /// Most events a resuming subscription replays.
    pub replay_max_events: u32,
    /// Oldest cursor a subscription may resume from; the event log keeps events this long.
    pub replay_max_age: chrono::Duration,
    /// Quarantine durations and test schedules, crew test validity, grace periods.
    pub quarantine: crate::quarantine::rules::QuarantineRules,
    /// Epidemic areas at this level or above (1-4), or in lockdown, count as "an epidemic area".
    pub epidemic_area_min_level: i32,
    /// First contact of a follow-up is due this long after the crossing.
    pub follow_up_due: chrono::Duration,
    /// A listener of its own for `/metrics`; none by default.
    pub metrics_bind: Option<String>,
    /// When set, `/metrics` is also served on the public port, to requests bearing this token.
    pub metrics_token: Option<String>,
    /// Responses at least this large are compressed when the client accepts gzip.
    pub compress_min_bytes: u16,
    /// Largest CSV body of `POST /import/*.csv`.
    pub import_limit_bytes: usize,
    /// Key set file (HS256 keys with ids, one current): see `lienthong key`.
    pub jwt_keyset_file: Option<PathBuf>,
}

impl Config {
    /// Defaults for everything but the database; the CLI and tests start from here.
    pub fn new(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            jwt_secret: None,
            jwt_secret_file: None,
            jwt_key_pair: None,
            bind: "127.0.0.1:8080".into(),
            cors_origins: Vec::new(),
            introspection: false,
            request_timeout: Duration::from_secs(30),
            db_acquire_timeout: Duration::from_secs(3),
            db_max_connections: 16,
            loader_batch_window: Duration::from_millis(1),
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(20),
            body_limit_bytes: 64 * 1024,
            max_depth: 12,
            max_complexity: 5_000,
            max_aliases: 30,
            max_directives: 10,
            rate_limit_per_minute: 1200,
            operation_allow_list: false,
            token_issuer: "lienthong".into(),
            token_audience: "lienthong-api".into(),
            token_leeway_secs: 10,
            token_usage_flush: Duration::from_secs(60),
            epidemic_rules: crate::levels::rules::RuleTable::default(),
            district_daily_due: chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
            ws_ping_interval: Duration::from_secs(15),
            ws_pong_grace: Duration::from_secs(30),
            ws_max_subscriptions: 20,
            ws_max_sockets_per_token: 10,
            replay_max_events: 1000,
            replay_max_age: chrono::Duration::hours(24),
            quarantine: crate::quarantine::rules::QuarantineRules::default(),
            epidemic_area_min_level: 3,
            follow_up_due: chrono::Duration::hours(24),
            metrics_bind: None,
            metrics_token: None,
            compress_min_bytes: 1024,
            import_limit_bytes: 8 * 1024 * 1024,
            jwt_keyset_file: None,
        }
    }

    pub fn from_args(
        common: &ConfigArgs,
        serve: Option<&ServeArgs>,
        demo: bool,
    ) -> Result<Self, String> {
        let mut config = Config::new(common.database_url.clone());
        config.jwt_secret = common.jwt_secret.clone();
        config.jwt_secret_file = common.jwt_secret_file.clone();
        config.jwt_keyset_file = common.jwt_keyset_file.clone();
        config.jwt_key_pair = common
            .jwt_private_key_file
            .clone()
            .zip(common.jwt_public_key_file.clone());
        config.introspection = demo;
        if let Some(serve) = serve {
            config.bind = serve.bind.clone();
            config.cors_origins = serve
                .cors_origins
                .iter()
                .filter(|o| !o.is_empty())
                .cloned()
                .collect();
            config.introspection = serve.introspection.unwrap_or(demo);
            config.request_timeout = Duration::from_secs(serve.request_timeout_secs.max(1));
            config.db_max_connections = serve.db_max_connections.max(1);
            config.rate_limit_per_minute = serve.rate_limit_per_minute.max(1);
            config.operation_allow_list = serve.operation_allow_list;
            config.ws_ping_interval = Duration::from_secs(serve.ws_ping_seconds.max(1));
            config.ws_pong_grace = Duration::from_secs(serve.ws_pong_grace_seconds.max(1));
            config.ws_max_subscriptions = serve.ws_max_subscriptions.max(1);
            config.ws_max_sockets_per_token = serve.ws_max_sockets_per_token.max(1);
            config.replay_max_events = serve.replay_max_events.max(1);
            config.metrics_bind = serve.metrics_bind.clone().filter(|b| !b.is_empty());
            config.metrics_token = serve.metrics_token.clone().filter(|t| !t.trim().is_empty());
            config.import_limit_bytes = serve.import_limit_bytes.max(1024);
            config.replay_max_age =
                chrono::Duration::hours(i64::from(serve.replay_max_hours.max(1)));
            config.district_daily_due =
                chrono::NaiveTime::parse_from_str(&serve.district_daily_due, "%H:%M").map_err(
                    |_| {
                        format!(
                            "district daily due time: '{}' is not HH:MM",
                            serve.district_daily_due
                        )
                    },
                )?;
            config.epidemic_area_min_level = serve.epidemic_area_min_level.clamp(1, 4);
            config.follow_up_due =
                chrono::Duration::hours(i64::from(serve.follow_up_due_hours.max(1)));
            if let Some(path) = &serve.epidemic_rules_file {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                config.epidemic_rules = crate::levels::rules::RuleTable::parse(&text)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        Ok(config)
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

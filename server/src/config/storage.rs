//! Where attachments are kept: the local folder `data/attachments` by default, or an
//! S3-compatible bucket when `WEBATEND_S3_BUCKET` is set (several instances then share it).

use super::ConfigError;
use clap::Args;

/// The bucket settings as typed by the operator.
#[derive(Args, Debug, Clone, Default)]
pub struct RawStorage {
    /// S3-compatible bucket for attachments; unset keeps them in the data folder [default: none]
    #[arg(long, env = "WEBATEND_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// The store's address, e.g. http://127.0.0.1:9000 for a self-hosted one [default: AWS in the region]
    #[arg(long, env = "WEBATEND_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// The bucket's region.
    #[arg(long, env = "WEBATEND_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// Access key; without it and the secret, AWS_* variables or the machine's role are used [default: none]
    #[arg(long, env = "WEBATEND_S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    /// Secret of the access key [default: none]
    #[arg(long, env = "WEBATEND_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// Path-style addresses (ENDPOINT/BUCKET/KEY), which most self-hosted stores need; false for
    /// virtual-hosted ones (BUCKET.ENDPOINT/KEY)
    #[arg(long, env = "WEBATEND_S3_PATH_STYLE", default_value = "true")]
    pub s3_path_style: String,
    /// Folder of the attachments inside the bucket.
    #[arg(long, env = "WEBATEND_S3_PREFIX", default_value = "anexos")]
    pub s3_prefix: String,
}

/// A validated bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    /// Key id and secret; `None` to take them from the environment or the machine's role.
    pub credentials: Option<(String, String)>,
    pub path_style: bool,
    pub prefix: String,
}

impl RawStorage {
    /// `None`: the local folder.
    pub fn validate(&self) -> Result<Option<S3Settings>, ConfigError> {
        let Some(bucket) = self.s3_bucket.as_deref().map(str::trim).filter(|b| !b.is_empty()) else {
            return Ok(None);
        };
        let valid_name = (3..=63).contains(&bucket.len())
            && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_name {
            return Err(ConfigError::new(
                "WEBATEND_S3_BUCKET (--s3-bucket)",
                format!("{bucket:?} is not a bucket name (3 to 63 lower-case letters, digits, '-' or '.')"),
            ));
        }
        let endpoint = self.s3_endpoint.as_deref().map(str::trim).filter(|e| !e.is_empty());
        if let Some(endpoint) = endpoint {
            let parsed = endpoint.parse::<http::Uri>().ok();
            let usable = parsed.is_some_and(|u| matches!(u.scheme_str(), Some("http" | "https")) && u.host().is_some());
            if !usable {
                return Err(ConfigError::new(
                    "WEBATEND_S3_ENDPOINT (--s3-endpoint)",
                    format!("{endpoint:?} is not an http:// or https:// address"),
                ));
            }
        }
        let region = self.s3_region.trim();
        if region.is_empty() {
            return Err(ConfigError::new("WEBATEND_S3_REGION (--s3-region)", "must not be empty"));
        }
        let key = self.s3_access_key_id.as_deref().map(str::trim).filter(|k| !k.is_empty());
        let secret = self.s3_secret_access_key.as_deref().filter(|s| !s.is_empty());
        let credentials = match (key, secret) {
            (Some(key), Some(secret)) => Some((key.to_owned(), secret.to_owned())),
            (None, None) => None,
            _ => {
                return Err(ConfigError::new(
                    "WEBATEND_S3_ACCESS_KEY_ID (--s3-access-key-id)",
                    "the access key and WEBATEND_S3_SECRET_ACCESS_KEY go together: set both or neither",
                ))
            }
        };
        let path_style = match self.s3_path_style.trim() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            other => {
                return Err(ConfigError::new(
                    "WEBATEND_S3_PATH_STYLE (--s3-path-style)",
                    format!("{other:?} is neither true nor false"),
                ))
            }
        };
        let prefix = self.s3_prefix.trim().trim_matches('/');
        if prefix.is_empty() || prefix.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            return Err(ConfigError::new(
                "WEBATEND_S3_PREFIX (--s3-prefix)",
                format!("{prefix:?} is not a folder name such as anexos"),
            ));
        }
        Ok(Some(S3Settings {
            bucket: bucket.to_owned(),
            endpoint: endpoint.map(str::to_owned),
            region: region.to_owned(),
            credentials,
            path_style,
            prefix: prefix.to_owned(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(bucket: &str) -> RawStorage {
        RawStorage {
            s3_bucket: Some(bucket.into()),
            s3_endpoint: Some("http://127.0.0.1:9000".into()),
            s3_region: "us-east-1".into(),
            s3_access_key_id: Some("chave".into()),
            s3_secret_access_key: Some("segredo".into()),
            s3_path_style: "true".into(),
            s3_prefix: "anexos".into(),
        }
    }

    #[test]
    fn without_a_bucket_the_folder_is_used() {
        assert_eq!(RawStorage::default().validate().ok(), Some(None));
        assert_eq!(RawStorage { s3_bucket: Some(" ".into()), ..RawStorage::default() }.validate().ok(), Some(None));
    }

    #[test]
    fn a_bucket_is_checked_setting_by_setting() {
        let ok = raw("webatendimento").validate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.map(|s| (s.bucket, s.path_style)), Some(("webatendimento".into(), true)));
        let refused = |raw: RawStorage| raw.validate().err().map(|e| e.setting);
        assert_eq!(refused(raw("Maiúsculas")), Some("WEBATEND_S3_BUCKET (--s3-bucket)"));
        assert_eq!(
            refused(RawStorage { s3_endpoint: Some("ftp://x".into()), ..raw("anexos") }),
            Some("WEBATEND_S3_ENDPOINT (--s3-endpoint)")
        );
        assert_eq!(
            refused(RawStorage { s3_secret_access_key: None, ..raw("anexos") }),
            Some("WEBATEND_S3_ACCESS_KEY_ID (--s3-access-key-id)")
        );
        assert_eq!(
            refused(RawStorage { s3_path_style: "talvez".into(), ..raw("anexos") }),
            Some("WEBATEND_S3_PATH_STYLE (--s3-path-style)")
        );
        assert_eq!(
            refused(RawStorage { s3_prefix: "a/../b".into(), ..raw("anexos") }),
            Some("WEBATEND_S3_PREFIX (--s3-prefix)")
        );
    }
}

//! The webhooks' storage: subscribers, the outbox every edit writes in its
//! own transaction, and the deliveries with where each stands. What is
//! delivered, how it is signed and when it is retried is
//! [`crate::webhooks`]'s; this module only keeps it durable.

use base64::Engine as _;
use jiff::Timestamp;

use super::backend::{DeliveryRow, WebhookRow};
use super::{Actor, Store, StoreError, version_of};

/// Standard base64 (with padding).
pub(crate) fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// An RFC 3339 UTC time to the second: text that sorts as time does (what
/// the deliveries' times are kept as).
pub(crate) fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `secs` seconds after `t`.
pub(crate) fn later(t: Timestamp, secs: u64) -> Timestamp {
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    t.checked_add(jiff::SignedDuration::from_secs(secs))
        .unwrap_or(t)
}

/// A subscriber, as maintainers see it (never its secret after creation).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Webhook {
    /// Its id.
    pub id: i64,
    /// Where entries are POSTed.
    pub url: String,
    /// The states it follows (ISO3 codes; empty: every state).
    pub states: Vec<String>,
    /// The group it follows (its members today), if any.
    pub group: Option<String>,
    /// The kinds it follows (`recorded`, `took_effect`; empty: both).
    pub kinds: Vec<String>,
    /// The first day of its `took_effect` entries.
    pub since: String,
    /// Its `recorded` entries are of the edits after this record version.
    pub since_version: i64,
    /// When it was added (UTC, RFC 3339).
    pub created: String,
    /// Who added it.
    pub created_by: String,
    /// When it was removed, if it was.
    pub revoked: Option<String>,
    /// The key entries are signed with (`whsec_…`); only the answer that
    /// creates the webhook carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// What a new subscriber follows, checked by [`crate::webhooks::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWebhook {
    /// An `http://` or `https://` URL.
    pub url: String,
    /// ISO3 codes.
    pub states: Vec<String>,
    /// A group id.
    pub group: Option<String>,
    /// `recorded`, `took_effect`.
    pub kinds: Vec<String>,
    /// The first day of its `took_effect` entries (YYYY-MM-DD).
    pub since: String,
}

/// One entry for one subscriber, and where its delivery stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    /// Its id.
    pub id: i64,
    /// The webhook.
    pub webhook: i64,
    /// The `webhook-id` header: the same on every attempt.
    pub message: String,
    /// The feed entry's id.
    pub entry: String,
    /// `pending`, `delivered`, `failed` (no attempts left) or `cancelled`
    /// (the webhook was removed).
    pub status: String,
    /// Attempts made (or begun).
    pub attempts: i64,
    /// When it is next tried (pending), UTC.
    pub due: String,
    /// When it was queued.
    pub created: String,
    /// The HTTP status of the last answer, if there was one.
    pub last_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: String,
    /// When a 2xx answer came.
    pub delivered_at: Option<String>,
    /// The body POSTed.
    #[serde(skip)]
    pub payload: String,
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn webhook_of(r: WebhookRow) -> Webhook {
    let (id, url, _secret, states, grp, kinds, since, since_version, created, created_by, revoked) =
        r;
    Webhook {
        id,
        url,
        states: split(&states),
        group: (!grp.is_empty()).then_some(grp),
        kinds: split(&kinds),
        since,
        since_version,
        created,
        created_by,
        revoked,
        secret: None,
    }
}

fn delivery_of(r: DeliveryRow) -> Delivery {
    let (
        id,
        webhook,
        message,
        entry,
        payload,
        status,
        attempts,
        due,
        created,
        last_status,
        last_error,
        delivered_at,
    ) = r;
    Delivery {
        id,
        webhook,
        message,
        entry,
        status,
        attempts,
        due,
        created,
        last_status,
        last_error,
        delivered_at,
        payload,
    }
}

/// An entry to deliver to a webhook: webhook, entry id, a hash of the
/// entry's content, payload.
pub type Queued = (i64, String, String, String);

/// The message id of an entry's next message to a webhook: it hashes the
/// webhook, the entry, its content and the message before it, so every
/// replica names it alike and an entry that changes back is a new message.
fn message_id(webhook: i64, entry: &str, content: &str, previous: &str) -> String {
    let key = format!("{webhook}\n{entry}\n{content}\n{previous}");
    format!("msg_{}", &super::hex_sha256(key.as_bytes())[..32])
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// A 2xx answer.
    Delivered {
        /// Its status.
        status: i64,
    },
    /// Anything else: try again at `due`, or, with `due` `None`, give up.
    Failed {
        /// The answer's status, if one came.
        status: Option<i64>,
        /// What went wrong.
        error: String,
        /// The next attempt; `None` when none is left.
        due: Option<String>,
    },
}

impl Store {
    /// Adds a webhook (checked by [`crate::webhooks::check`]) with a new
    /// secret, audited; its `recorded` entries are of the edits after the
    /// record version it was added at. The webhook with its secret (shown
    /// this once).
    ///
    /// # Errors
    /// No randomness, or a database error.
    pub async fn add_webhook(&self, actor: &Actor, w: &NewWebhook) -> Result<Webhook, StoreError> {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Randomness(e.to_string()))?;
        let secret = format!("whsec_{}", base64(&bytes));
        let states = w.states.join(",");
        let kinds = w.kinds.join(",");
        let group = w.group.clone().unwrap_or_default();
        let mut tx = self.write().await?;
        let version = version_of(&mut *tx).await?;
        let id = tx
            .add_webhook(
                [
                    &w.url,
                    &secret,
                    &states,
                    &group,
                    &kinds,
                    &w.since,
                    &actor.editor,
                ],
                version,
            )
            .await?;
        let detail = format!(
            "webhook {id}: states [{states}], group [{group}], kinds [{kinds}], since {}",
            w.since
        );
        tx.audit(actor, ["webhook_added", &w.url, "", &detail])
            .await?;
        let row = tx.webhooks().await?.into_iter().find(|r| r.0 == id);
        tx.commit().await?;
        let mut hook = row.map(webhook_of).ok_or_else(|| {
            StoreError::Database(sqlx::Error::Protocol(format!(
                "webhook {id} not found after its insert"
            )))
        })?;
        hook.secret = Some(secret);
        Ok(hook)
    }

    /// Removes a webhook from now on and cancels its pending deliveries,
    /// audited; `false` when no webhook has that id or it was removed
    /// before.
    ///
    /// # Errors
    /// On a database error.
    pub async fn revoke_webhook(&self, actor: &Actor, id: i64) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let changed = tx.revoke_webhook(id).await?;
        if changed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.audit(actor, ["webhook_removed", &format!("webhook {id}"), "", ""])
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every webhook, in order of creation (without secrets).
    ///
    /// # Errors
    /// On a database error.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let rows = reading!(self, tx => tx.webhooks().await?)?;
        Ok(rows.into_iter().map(webhook_of).collect())
    }

    /// The unrevoked webhooks with their secrets: what the worker signs
    /// with.
    pub(crate) async fn active_webhooks(&self) -> Result<Vec<(Webhook, String)>, StoreError> {
        let rows = reading!(self, tx => tx.webhooks().await?)?;
        Ok(rows
            .into_iter()
            .filter(|r| r.10.is_none())
            .map(|r| {
                let secret = r.2.clone();
                (webhook_of(r), secret)
            })
            .collect())
    }

    /// The newest `limit` deliveries, of one webhook or of all, newest first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn deliveries(
        &self,
        webhook: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = reading!(self, tx => tx.deliveries(webhook, limit).await?)?;
        Ok(rows.into_iter().map(delivery_of).collect())
    }

    /// The record versions whose entries await their hand-over to the
    /// subscribers.
    ///
    /// # Errors
    /// On a database error.
    pub async fn outbox(&self) -> Result<Vec<i64>, StoreError> {
        reading!(self, tx => tx.outbox().await?)
    }

    /// Queues each entry for its webhook unless the webhook's newest
    /// message of that entry has the same content (so an entry is sent
    /// again only when it changed, however many replicas queue it), and,
    /// with `upto`, empties the outbox up to that version, in one
    /// transaction; how many deliveries were new. A read first leaves out
    /// what is already queued, so a pass with nothing new writes nothing.
    ///
    /// # Errors
    /// On a database error (nothing is queued).
    pub async fn enqueue(
        &self,
        queued: &[Queued],
        upto: Option<i64>,
        due: &str,
    ) -> Result<u64, StoreError> {
        let fresh = |latest: &Option<(String, String)>, content: &str| {
            latest.as_ref().is_none_or(|(_, c)| c != content)
        };
        let mut new: Vec<&Queued> = Vec::new();
        {
            let mut tx = self.read().await?;
            for q in queued {
                if fresh(&tx.latest_delivery(q.0, &q.1).await?, &q.2) {
                    new.push(q);
                }
            }
            tx.rollback().await?;
        }
        if new.is_empty() && upto.is_none() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let mut added = 0;
        for (webhook, entry, content, payload) in new {
            // Again under the lock: another replica may have queued it.
            let latest = tx.latest_delivery(*webhook, entry).await?;
            if !fresh(&latest, content) {
                continue;
            }
            let previous = latest.map(|(m, _)| m).unwrap_or_default();
            let message = message_id(*webhook, entry, content, &previous);
            added += tx
                .enqueue(*webhook, [&message, entry, content, payload, due])
                .await?;
        }
        if let Some(upto) = upto {
            tx.outbox_done(upto).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Claims up to `limit` deliveries due now (of webhooks not removed),
    /// oldest due first, the time read from `clock` once the write lock is
    /// held: each counts an attempt and is due again `lease` seconds later,
    /// when another worker takes it over if this one never finished it.
    ///
    /// # Errors
    /// On a database error (nothing is claimed).
    pub async fn claim(
        &self,
        clock: &(dyn Fn() -> Timestamp + Send + Sync),
        lease: u64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut tx = self.write().await?;
        let now = clock();
        let rows = tx
            .claim(&stamp(now), &stamp(later(now, lease)), limit)
            .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(delivery_of).collect())
    }

    /// When the earliest pending delivery is due, if one is.
    ///
    /// # Errors
    /// On a database error.
    pub async fn next_due(&self) -> Result<Option<String>, StoreError> {
        reading!(self, tx => tx.next_due().await?)
    }

    /// Records how an attempt ended (a delivery no longer pending, such as
    /// one cancelled meanwhile, or claimed again after its lease ended, is
    /// left as it is).
    ///
    /// # Errors
    /// On a database error.
    pub async fn finish(
        &self,
        delivery: &Delivery,
        attempt: &Attempt,
        now: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        match attempt {
            Attempt::Delivered { status } => {
                tx.finish_delivery(
                    delivery.id,
                    delivery.attempts,
                    ["delivered", now, ""],
                    Some(*status),
                    Some(now),
                )
                .await?;
            }
            Attempt::Failed { status, error, due } => {
                let (state, due) = match due {
                    Some(due) => ("pending", due.as_str()),
                    None => ("failed", now),
                };
                tx.finish_delivery(
                    delivery.id,
                    delivery.attempts,
                    [state, due, error],
                    *status,
                    None,
                )
                .await?;
            }
        }
        tx.commit().await
    }
}

//! Who may see and change what: the optional access list.
//!
//! - No rows in `access`: the file's permissions decide (everyone who can open the file may
//!   do everything salesboard does).
//! - Rows present: a uid that is not listed is refused everything (reports, exports, the
//!   board, `check`, `settings`, entries).
//!   `viewer` sees; `manager` also enters and corrects calls, meetings, scores, plans and
//!   responses for the reps of their teams; `admin` sees every team and may also import,
//!   seed, change settings and the access list.
//! - Team rows limit a viewer or manager to those teams and their sub-teams; none means
//!   every team.
//! - root (uid 0) is always an admin: it can change the file with any tool anyway.
//!
//! The checks sit where reads and writes happen (the report engine, the export, the audit
//! record every change writes), so the board, `report`, `export` and `add` all obey them.

use super::lossy::RowExt;
use super::{Result, Store, StoreError};
use crate::model::TeamId;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Manager,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> std::result::Result<Role, String> {
        match s.trim().to_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "manager" => Ok(Role::Manager),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "'{}' is not a role (viewer, manager, admin)",
                crate::text::clean(other)
            )),
        }
    }
}

/// What one OS user may do on this database.
#[derive(Debug, Clone, PartialEq)]
pub struct Permit {
    pub uid: u32,
    pub role: Role,
    /// False when the access list is empty (the file's permissions decide).
    pub listed: bool,
    /// The teams granted (tops of what may be seen), by name; empty means every team.
    pub roots: Vec<(TeamId, String)>,
    /// Every team that may be seen (the granted ones and their sub-teams); None: all.
    pub teams: Option<BTreeSet<TeamId>>,
}

impl Permit {
    /// Everything allowed: no access list, or root, or an admin.
    pub fn everything(uid: u32, listed: bool) -> Permit {
        Permit {
            uid,
            role: Role::Admin,
            listed,
            roots: Vec::new(),
            teams: None,
        }
    }

    pub fn sees_team(&self, team: TeamId) -> bool {
        self.teams.as_ref().is_none_or(|t| t.contains(&team))
    }

    /// Whether the whole company (every team) may be seen.
    pub fn sees_all(&self) -> bool {
        self.teams.is_none()
    }

    pub fn may_enter(&self) -> bool {
        self.role >= Role::Manager
    }

    /// Why this user cannot enter data, if they cannot.
    pub fn entry_refusal(&self) -> Option<String> {
        (!self.may_enter()).then(|| {
            format!(
                "your role on this database is {}: only managers and admins can enter data",
                self.role.as_str()
            )
        })
    }

    /// The granted team names, for messages.
    pub fn team_list(&self) -> String {
        self.roots
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One row of the access list, for `salesboard access list`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Grant {
    pub uid: u32,
    pub user: String,
    pub role: Role,
    pub teams: Vec<String>,
    pub granted_by: String,
    pub granted_at: i64,
}

/// The login name of a uid, or `uid N`.
pub fn user_name(uid: u32) -> String {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| crate::text::clean_owned(u.name))
        .unwrap_or_else(|| format!("uid {uid}"))
}

/// A login name or a numeric uid → uid.
pub fn resolve_user(s: &str) -> std::result::Result<(u32, String), String> {
    let s = s.trim();
    if let Ok(uid) = s.parse::<u32>() {
        return Ok((uid, user_name(uid)));
    }
    match nix::unistd::User::from_name(s) {
        Ok(Some(u)) => Ok((u.uid.as_raw(), crate::text::clean_owned(u.name))),
        _ => Err(format!(
            "no user called '{}' on this machine (give a login name or a numeric uid)",
            crate::text::clean(s)
        )),
    }
}

impl Store {
    /// What the user running this process may do.
    pub fn permit(&self) -> Result<Permit> {
        self.permit_for(nix::unistd::getuid().as_raw())
    }

    /// What `uid` may do. Refuses a uid that is not on a non-empty access list.
    pub fn permit_for(&self, uid: u32) -> Result<Permit> {
        permit_in(self.conn(), self.path(), uid)
    }

    /// The access list, by user name.
    pub fn grants(&self) -> Result<Vec<Grant>> {
        let conn = self.conn();
        let mut out: Vec<Grant> = conn
            .prepare(
                "SELECT uid, user, role, granted_by, granted_at FROM access ORDER BY user, uid",
            )?
            .query_map([], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.text(1)?,
                    r.text(2)?,
                    r.text(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?
            .map(|r| {
                let (uid, user, role, by, at) = r?;
                Ok(Grant {
                    uid,
                    user: crate::text::clean_owned(user),
                    role: Role::parse(&role).unwrap_or(Role::Viewer),
                    teams: Vec::new(),
                    granted_by: crate::text::clean_owned(by),
                    granted_at: at,
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare(
            "SELECT t.name FROM access_team a JOIN team t ON t.id = a.team_id WHERE a.uid = ?1 ORDER BY t.name",
        )?;
        for g in &mut out {
            g.teams = stmt
                .query_map([g.uid], |r| r.text(0))?
                .map(|r| r.map(crate::text::clean_owned))
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(out)
    }

    /// Adds or replaces `uid`'s row: its role and the teams (names, `#id` or a unique part)
    /// it may see. The first row must make the person writing it an admin, so that nobody
    /// locks themselves out.
    pub fn grant(
        &mut self,
        actor: &super::Actor,
        who: &str,
        role: &str,
        teams: &[String],
    ) -> Result<Grant> {
        let (uid, user) = resolve_user(who).map_err(|e| super::Validation::new("user", e))?;
        let role = Role::parse(role).map_err(|e| super::Validation::new("role", e))?;
        let all = self.teams()?;
        let mut team_ids = Vec::new();
        for t in teams {
            let id = pick_team(&all, t).map_err(|e| super::Validation::new("team", e))?;
            if !team_ids.contains(&id) {
                team_ids.push(id);
            }
        }
        if role == Role::Admin && !team_ids.is_empty() {
            return Err(super::Validation::new(
                "team",
                "an admin sees every team; give teams to viewers and managers only",
            )
            .into());
        }
        let listed = self.permit_for(actor.uid)?.listed;
        if !listed && actor.uid != 0 && !(uid == actor.uid && role == Role::Admin) {
            return Err(super::Validation::new(
                "user",
                format!(
                    "the access list is empty: its first row must make you an admin (`salesboard access grant {} --role admin`), or you would lock yourself out",
                    actor.user
                ),
            )
            .into());
        }
        self.write(actor, |tx, audit| {
            let old: Option<String> = tx
                .query_row("SELECT role FROM access WHERE uid = ?1", [uid], |r| r.text(0))
                .optional()?;
            let admins: i64 = tx.query_row(
                "SELECT count(*) FROM access WHERE role = 'admin'",
                [],
                |r| r.get(0),
            )?;
            if old.as_deref() == Some("admin") && role != Role::Admin && admins == 1 {
                return Err(super::Validation::new(
                    "role",
                    format!("{user} is the last admin: make someone else an admin first"),
                )
                .into());
            }
            tx.execute(
                "INSERT INTO access(uid, user, role, granted_by, granted_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(uid) DO UPDATE SET user = excluded.user, role = excluded.role,
                   granted_by = excluded.granted_by, granted_at = excluded.granted_at",
                params![uid, user, role.as_str(), actor.user, actor.now],
            )?;
            tx.execute("DELETE FROM access_team WHERE uid = ?1", [uid])?;
            for id in &team_ids {
                tx.execute(
                    "INSERT INTO access_team(uid, team_id) VALUES (?1, ?2)",
                    params![uid, id],
                )?;
            }
            audit.record(
                tx,
                if old.is_some() { "update" } else { "insert" },
                "access",
                Some(i64::from(uid)),
                old.map(|o| serde_json::json!({ "role": o })),
                Some(serde_json::json!({ "user": user, "role": role.as_str(), "teams": team_ids })),
            )?;
            Ok(())
        })?;
        Ok(self
            .grants()?
            .into_iter()
            .find(|g| g.uid == uid)
            .expect("the row was just written"))
    }

    /// Removes `who` from the access list. The last admin cannot be removed while other
    /// rows remain.
    pub fn revoke(&mut self, actor: &super::Actor, who: &str) -> Result<()> {
        let (uid, user) = resolve_user(who).map_err(|e| super::Validation::new("user", e))?;
        self.write(actor, |tx, audit| {
            let role: Option<String> = tx
                .query_row("SELECT role FROM access WHERE uid = ?1", [uid], |r| r.text(0))
                .optional()?;
            let Some(role) = role else {
                return Err(super::Validation::new("user", format!("{user} is not on the access list")).into());
            };
            let (admins, rows): (i64, i64) = tx.query_row(
                "SELECT count(*) FILTER (WHERE role = 'admin'), count(*) FROM access",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if role == "admin" && admins == 1 && rows > 1 {
                return Err(super::Validation::new(
                    "user",
                    format!("{user} is the last admin: make someone else an admin first, or revoke everyone else"),
                )
                .into());
            }
            tx.execute("DELETE FROM access WHERE uid = ?1", [uid])?;
            audit.record(tx, "delete", "access", Some(i64::from(uid)), Some(serde_json::json!({ "user": user, "role": role })), None)?;
            Ok(())
        })
    }
}

/// A team by exact name (any case), `#id` or a unique part of its name.
fn pick_team(all: &[crate::model::Team], s: &str) -> std::result::Result<TeamId, String> {
    let w = s.trim().to_lowercase();
    if let Some(id) = w.strip_prefix('#').and_then(|n| n.parse::<TeamId>().ok()) {
        return all
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.id)
            .ok_or_else(|| format!("no team #{id}"));
    }
    crate::input::pick_by_name(all, |t| &t.name, s, "team").map(|t| t.id)
}

/// What `uid` may do on the database behind `conn` (at `path`, for messages).
pub(crate) fn permit_in(conn: &Connection, path: &Path, uid: u32) -> Result<Permit> {
    let listed: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM access)")?
        .query_row([], |r| r.get(0))?;
    if !listed || uid == 0 {
        return Ok(Permit::everything(uid, listed));
    }
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM access WHERE uid = ?1")?
        .query_row([uid], |r| r.text(0))
        .optional()?;
    let Some(role) = role else {
        let admins: Vec<String> = conn
            .prepare_cached("SELECT user FROM access WHERE role = 'admin' ORDER BY user")?
            .query_map([], |r| r.text(0))?
            .map(|r| r.map(crate::text::clean_owned))
            .collect::<rusqlite::Result<_>>()?;
        let admins = if admins.is_empty() {
            "root".to_string()
        } else {
            admins.join(", ")
        };
        return Err(StoreError::Denied(format!(
            "you ({}, uid {uid}) are not on the access list of {}: ask one of its admins ({admins}) to run `salesboard access grant {uid} --role viewer`",
            user_name(uid),
            path.display(),
        )));
    };
    let role = Role::parse(&role).map_err(StoreError::Other)?;
    if role == Role::Admin {
        return Ok(Permit::everything(uid, true));
    }
    let roots: Vec<(TeamId, String)> = conn
        .prepare_cached(
            "SELECT t.id, t.name FROM access_team a JOIN team t ON t.id = a.team_id
             WHERE a.uid = ?1 ORDER BY t.name",
        )?
        .query_map([uid], |r| {
            Ok((r.get(0)?, crate::text::clean_owned(r.text(1)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let teams = if roots.is_empty() {
        None
    } else {
        let parents: Vec<(TeamId, Option<TeamId>)> = conn
            .prepare_cached("SELECT id, parent_id FROM team")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut seen: BTreeSet<TeamId> = roots.iter().map(|r| r.0).collect();
        // Sub-teams, to any depth.
        loop {
            let before = seen.len();
            for (id, parent) in &parents {
                if parent.is_some_and(|p| seen.contains(&p)) {
                    seen.insert(*id);
                }
            }
            if seen.len() == before {
                break;
            }
        }
        Some(seen)
    };
    Ok(Permit {
        uid,
        role,
        listed: true,
        roots,
        teams,
    })
}

/// Tables whose rows are a rep's entries: managers may change them for their teams' reps.
const ENTRY_TABLES: &[&str] = &[
    "activity",
    "satisfaction",
    "knowledge_test",
    "plan",
    "inquiry",
];

/// May `permit` make this change? `row_id` names the row as it is now (absent after a
/// delete); `old` holds its earlier values, with `rep_id` when the rep may have changed.
pub(crate) fn authorize(
    conn: &Connection,
    permit: &Permit,
    action: &str,
    entity: &str,
    row_id: Option<i64>,
    old: Option<&serde_json::Value>,
) -> Result<()> {
    if action == "import" || !ENTRY_TABLES.contains(&entity) {
        if permit.role == Role::Admin {
            return Ok(());
        }
        let what = if action == "import" {
            "import"
        } else {
            "change"
        };
        return Err(StoreError::Denied(format!(
            "only an admin may {what} {entity} on this database (your role is {})",
            permit.role.as_str()
        )));
    }
    if let Some(why) = permit.entry_refusal() {
        return Err(StoreError::Denied(why));
    }
    if permit.sees_all() {
        return Ok(());
    }
    let mut reps: Vec<i64> = Vec::new();
    if let Some(id) = row_id {
        // `entity` is one of ENTRY_TABLES, never input.
        let now: Option<i64> = conn
            .query_row(
                &format!("SELECT rep_id FROM {entity} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?;
        reps.extend(now);
    }
    if let Some(r) = old.and_then(|o| o.get("rep_id")).and_then(|v| v.as_i64()) {
        reps.push(r);
    }
    for rep in reps {
        let (name, team): (String, Option<TeamId>) = conn
            .prepare_cached("SELECT name, team_id FROM rep WHERE id = ?1")?
            .query_row([rep], |r| Ok((r.text(0)?, r.get(1)?)))?;
        if !team.is_some_and(|t| permit.sees_team(t)) {
            return Err(StoreError::Denied(format!(
                "{} is not in your teams ({}): you may enter data only for their reps",
                crate::text::clean(&name),
                permit.team_list()
            )));
        }
    }
    // A call, meeting or inquiry names a customer: one owned by a rep of a team the user
    // may not see is refused as that rep would be (a customer nobody owns is anyone's).
    if let Some(id) = row_id
        && matches!(entity, "activity" | "inquiry")
    {
        let owner: Option<Option<TeamId>> = conn
            .query_row(
                &format!(
                    "SELECT r.team_id FROM {entity} x JOIN customer c ON c.id = x.customer_id
                     JOIN rep r ON r.id = c.rep_id WHERE x.id = ?1"
                ),
                [id],
                |r| r.get(0),
            )
            .optional()?;
        // The customer is not named: the user may not see it.
        if let Some(team) = owner
            && !team.is_some_and(|t| permit.sees_team(t))
        {
            return Err(StoreError::Denied(format!(
                "that customer belongs to a rep outside your teams ({}): you may enter data only for your teams' customers",
                permit.team_list()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ActivityKind;
    use crate::store::{Actor, NewActivity};

    const NOW: i64 = 1_795_435_200; // 2026-11-23 12:00 UTC

    fn as_uid(uid: u32) -> Actor {
        Actor {
            uid,
            user: format!("u{uid}"),
            now: NOW,
        }
    }

    /// Moscow (with a sub-team South) and Petersburg, one rep in each.
    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::init(&dir.path().join("kpi.db")).unwrap();
        s.conn()
            .execute_batch(
                "INSERT INTO team(id, name) VALUES (1, 'Москва'), (3, 'Питер');
                 INSERT INTO team(id, name, parent_id) VALUES (2, 'Москва Юг', 1);
                 INSERT INTO rep(id, name, team_id, region, hired_on) VALUES
                   (1, 'Иван Петров', 1, 'Москва', '2025-03-01'),
                   (2, 'Юлия Южная', 2, 'Москва', '2025-03-01'),
                   (3, 'Пётр Невский', 3, 'Питер', '2025-03-01');",
            )
            .unwrap();
        (dir, s)
    }

    fn call(rep: &str) -> NewActivity {
        NewActivity {
            kind: Some(ActivityKind::Call),
            rep: rep.into(),
            date: "2026-11-20".into(),
            time: "14:30".into(),
            ..NewActivity::default()
        }
    }

    fn denied<T: std::fmt::Debug>(r: Result<T>) -> String {
        match r {
            Err(StoreError::Denied(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_list_lets_the_file_permissions_decide() {
        let (_d, mut s) = store();
        let p = s.permit_for(4242).unwrap();
        assert_eq!((p.role, p.listed, p.sees_all()), (Role::Admin, false, true));
        s.add_activity(&as_uid(4242), &call("#3")).unwrap();
    }

    #[test]
    fn the_first_row_must_make_its_writer_an_admin() {
        let (_d, mut s) = store();
        let e = s.grant(&as_uid(1000), "2000", "viewer", &[]).unwrap_err();
        assert!(e.to_string().contains("lock yourself out"), "{e}");
        assert!(s.grants().unwrap().is_empty());
        s.grant(&as_uid(1000), "1000", "admin", &[]).unwrap();
        // root may start the list with anyone: it can always change the file.
        let (_d2, mut s2) = store();
        s2.grant(&as_uid(0), "2000", "viewer", &[]).unwrap();
    }

    #[test]
    fn unlisted_users_are_refused_and_told_whom_to_ask() {
        let (_d, mut s) = store();
        s.grant(&as_uid(1000), "1000", "admin", &[]).unwrap();
        let m = denied(s.permit_for(3000));
        assert!(m.contains("uid 3000") && m.contains("access grant"), "{m}");
        let m = denied(s.add_activity(&as_uid(3000), &call("#1")));
        assert!(m.contains("not on the access list"), "{m}");
        // root is always an admin.
        assert!(s.permit_for(0).unwrap().sees_all());
    }

    #[test]
    fn managers_enter_data_only_for_their_teams_and_sub_teams() {
        let (_d, mut s) = store();
        let admin = as_uid(1000);
        s.grant(&admin, "1000", "admin", &[]).unwrap();
        let g = s
            .grant(&admin, "2000", "manager", &["Москва".into()])
            .unwrap();
        assert_eq!(g.teams, ["Москва"]);
        let p = s.permit_for(2000).unwrap();
        assert!(p.sees_team(1) && p.sees_team(2) && !p.sees_team(3));
        let m = as_uid(2000);
        let own = s.add_activity(&m, &call("Юлия")).unwrap();
        let msg = denied(s.add_activity(&m, &call("Пётр")));
        assert!(
            msg.contains("Пётр Невский") && msg.contains("Москва"),
            "{msg}"
        );
        // Moving their own entry to another team's rep is refused too, and nothing changes.
        denied(s.update_activity(&m, own, &call("Пётр")));
        let theirs = s.add_activity(&admin, &call("Пётр")).unwrap();
        denied(s.delete_entry(&m, "call", theirs));
        s.delete_entry(&m, "call", own).unwrap();
        // Settings, imports (even of their own reps' plans) and the access list are for admins.
        let msg = denied(s.set_setting(&m, "currency", "USD"));
        assert!(msg.contains("admin"), "{msg}");
        let plan = "rep,month,revenue_target,units_target,calls_target,meetings_target\n\
                    Юлия Южная,2026-12,1000,1,1,1\n";
        let msg = denied(s.import_csv(&m, crate::store::ImportKind::Plans, plan.as_bytes()));
        assert!(msg.contains("admin"), "{msg}");
        denied(s.grant(&m, "2000", "admin", &[]));
        let n: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM activity", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "only the admin's call is left");
    }

    #[test]
    fn managers_may_not_log_calls_with_another_teams_customers() {
        let (_d, mut s) = store();
        s.conn()
            .execute_batch(
                "INSERT INTO customer(id, name, rep_id, acquired_on) VALUES
                   (1, 'Невский завод', 3, '2025-01-01'),
                   (2, 'Московский дом', 1, '2025-01-01'),
                   (3, 'Ничей', NULL, '2025-01-01');",
            )
            .unwrap();
        let admin = as_uid(1000);
        s.grant(&admin, "1000", "admin", &[]).unwrap();
        s.grant(&admin, "2000", "manager", &["Москва".into()])
            .unwrap();
        let m = as_uid(2000);
        // The forms' customer picker offers only customers they may use.
        let names: Vec<String> = s
            .customer_names(&s.permit_for(2000).unwrap())
            .unwrap()
            .into_iter()
            .map(|c| c.1)
            .collect();
        assert_eq!(names, ["Московский дом", "Ничей"]);
        let with = |customer: &str| NewActivity {
            customer: customer.into(),
            ..call("Иван")
        };
        // Petersburg's customer is unknown to them, by name or by number: its existence is
        // not given away, and nothing is written.
        let unknown = |r: Result<i64>| match r {
            Err(StoreError::Invalid(v)) => v.reason,
            other => panic!("expected an unknown customer, got {other:?}"),
        };
        let msg = unknown(s.add_activity(&m, &with("Невский")));
        assert_eq!(msg, "unknown customer 'Невский'");
        let msg = unknown(s.add_activity(&m, &with("#1")));
        assert_eq!(msg, "no customer #1");
        // A part of the name both teams' customers share finds their own, not "several".
        let own = s.add_activity(&m, &with("ск")).unwrap();
        s.add_activity(&m, &with("Ничей")).unwrap();
        // Correcting an entry to the other team's customer fails the same way.
        unknown(s.update_activity(&m, own, &with("Невский")).map(|_| 0));
        // An inquiry from that customer, likewise.
        let msg = unknown(s.add_response(
            &m,
            &crate::store::NewResponse {
                rep: "Иван".into(),
                customer: "Невский".into(),
                received_date: "2026-11-20".into(),
                date: "2026-11-20".into(),
                ..Default::default()
            },
        ));
        assert_eq!(msg, "unknown customer 'Невский'");
        let n: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM activity", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn viewers_see_but_do_not_enter() {
        let (_d, mut s) = store();
        s.grant(&as_uid(1000), "1000", "admin", &[]).unwrap();
        s.grant(&as_uid(1000), "2000", "viewer", &["Питер".into()])
            .unwrap();
        let msg = denied(s.add_activity(&as_uid(2000), &call("Пётр")));
        assert!(msg.contains("viewer"), "{msg}");
        let p = s.permit_for(2000).unwrap();
        assert!(p.entry_refusal().is_some());
        // Their export holds their team's reps only, and no audit log.
        let mut out = Vec::new();
        s.export_csv_for(&p, "reps", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("Пётр Невский") && !text.contains("Иван"),
            "{text}"
        );
        let mut out = Vec::new();
        s.export_csv_for(&p, "teams", &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "name,parent\nПитер,\n");
        denied(s.export_csv_for(&p, "audit_log", Vec::new()));
    }

    #[test]
    fn reports_show_only_teams_that_may_be_seen() {
        use crate::period::{Period, PeriodKind};
        let (_d, mut s) = store();
        let admin = as_uid(1000);
        s.grant(&admin, "1000", "admin", &[]).unwrap();
        s.grant(&admin, "2000", "viewer", &["Москва".into()])
            .unwrap();
        let p = s.permit_for(2000).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let period = Period::containing(PeriodKind::Month, today);
        let r = crate::engine::build_for(&s, &p, period, today, None, None).unwrap();
        let names: Vec<&str> = r.reps.iter().map(|x| x.rep.name.as_str()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(!names.contains(&"Пётр Невский"));
        // Another team is not found by name, nor are its reps.
        let e = crate::engine::build_for(&s, &p, period, today, Some("Питер"), None).unwrap_err();
        assert!(e.to_string().contains("no team called"), "{e}");
        let e = crate::engine::build_for(&s, &p, period, today, None, Some("Пётр")).unwrap_err();
        assert!(e.to_string().contains("rep"), "{e}");
        // Someone with two teams chooses one.
        s.grant(&admin, "2000", "viewer", &["Москва".into(), "Питер".into()])
            .unwrap();
        let p = s.permit_for(2000).unwrap();
        let m = denied(crate::engine::build_for(&s, &p, period, today, None, None));
        assert!(m.contains("--team") && m.contains("Питер"), "{m}");
        crate::engine::build_for(&s, &p, period, today, Some("Питер"), None).unwrap();
    }

    #[test]
    fn a_limited_managers_coverage_and_period_come_from_their_own_teams() {
        use crate::period::{Period, PeriodKind};
        let (_d, mut s) = store();
        let admin = as_uid(1000);
        s.grant(&admin, "1000", "admin", &[]).unwrap();
        s.grant(&admin, "2000", "manager", &["Москва".into()])
            .unwrap();
        // Only Petersburg logs calls (in November); Moscow has none at all.
        s.add_activity(&admin, &call("Пётр")).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let december = Period::containing(PeriodKind::Month, today);
        let november = Period::containing(PeriodKind::Month, december.start.pred_opt().unwrap());
        // The company sees the call: calls are known, and the board falls back to November.
        let all = s.permit_for(1000).unwrap();
        let r = crate::engine::build_for(&s, &all, november, today, None, None).unwrap();
        assert!(r.total.knows("calls"), "{:?}", r.total.no_data);
        let chosen = crate::engine::choose_period(&s, &all, december, today, true).unwrap();
        assert_eq!(chosen.period, november);
        // Moscow's manager: Petersburg's call is neither their coverage nor their period.
        let moscow = s.permit_for(2000).unwrap();
        let r = crate::engine::build_for(&s, &moscow, november, today, None, None).unwrap();
        assert!(
            r.total
                .lacks("calls")
                .contains(&crate::model::Source::Activities),
            "{:?}",
            r.total.no_data
        );
        let chosen = crate::engine::choose_period(&s, &moscow, december, today, true).unwrap();
        assert_eq!(chosen.period, december, "nothing of theirs to fall back to");
        let note = chosen.note.unwrap();
        assert!(!note.current_has_data && note.latest.is_none());
    }

    #[test]
    fn a_teams_cac_is_the_same_for_its_manager_as_for_an_admin() {
        use crate::period::{Period, PeriodKind};
        let (_d, mut s) = store();
        // November's 900 of acquisition spending brought one customer to each team.
        s.conn()
            .execute_batch(
                "INSERT INTO customer(id, name, rep_id, acquired_on) VALUES
                   (1, 'Московский дом', 1, '2026-11-05'),
                   (2, 'Невский завод', 3, '2026-11-06');
                 INSERT INTO acquisition_cost(spent_on, amount) VALUES ('2026-11-10', 90000);
                 INSERT INTO deal(rep_id, customer_id, amount, created_at) VALUES
                   (1, 1, 1000, 1793000000), (3, 2, 1000, 1793000000);",
            )
            .unwrap();
        let admin = as_uid(1000);
        s.grant(&admin, "1000", "admin", &[]).unwrap();
        s.grant(&admin, "2000", "manager", &["Москва".into()])
            .unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let november = Period::containing(PeriodKind::Month, today);
        let cac = |uid: u32| {
            let p = s.permit_for(uid).unwrap();
            let r =
                crate::engine::build_for(&s, &p, november, today, Some("Москва"), None).unwrap();
            (r.total.customers.cac, r.total.customers.acquisition_cost)
        };
        assert_eq!(
            cac(1000),
            (Some(45000), 45000),
            "half of it, for one customer"
        );
        assert_eq!(cac(2000), cac(1000));
    }

    #[test]
    fn the_last_admin_stays_while_others_are_listed_and_bad_grants_are_named() {
        let (_d, mut s) = store();
        let admin = as_uid(1000);
        s.grant(&admin, "1000", "admin", &[]).unwrap();
        s.grant(&admin, "2000", "viewer", &[]).unwrap();
        let e = s.revoke(&admin, "1000").unwrap_err();
        assert!(e.to_string().contains("last admin"), "{e}");
        // Nor may the last admin demote themselves.
        let e = s.grant(&admin, "1000", "viewer", &[]).unwrap_err();
        assert!(e.to_string().contains("last admin"), "{e}");
        assert_eq!(s.permit_for(1000).unwrap().role, Role::Admin);
        assert!(
            s.grant(&admin, "2000", "boss", &[])
                .unwrap_err()
                .to_string()
                .contains("role")
        );
        assert!(
            s.grant(&admin, "2000", "viewer", &["Казань".into()])
                .unwrap_err()
                .to_string()
                .contains("no team called 'Казань'")
        );
        assert!(
            s.grant(&admin, "2000", "admin", &["Питер".into()])
                .unwrap_err()
                .to_string()
                .contains("every team")
        );
        s.revoke(&admin, "2000").unwrap();
        s.revoke(&admin, "1000").unwrap();
        assert!(s.grants().unwrap().is_empty());
        // Every change to the list is in the audit log.
        let n: i64 = s
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE entity = 'access'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 4);
    }
}

//! Who may do what to which record. Every service asks this module; no resolver
//! or service re-implements a permission rule.
//!
//! Two kinds of answers:
//! - *may this actor do this?* ([`authorize`]): a refusal is `UNAUTHENTICATED`
//!   for the anonymous (log in and try again) and `FORBIDDEN` for others. Used
//!   where the record itself is public (an organization).
//! - *may this actor know this record exists?* ([`reveal`]): a refusal is
//!   `NOT_FOUND`, exactly like a missing record, so no tenant learns that
//!   another tenant's private records exist.

use crate::auth::{Actor, Principal};
use crate::error::{AppError, AppResult};
use entity::enums::{
    CoalitionRoleKind, ContactVisibility, LocationVisibility, OrgRole, ServiceStatus,
};
use entity::minutes::MinutesStatus;
use uuid::Uuid;

/// Rules of accounts beyond an organization action: seeing an API key.
mod accounts;
/// Rules of the services directory: statuses seen and searched, seeing a verifier.
mod directory;
/// Who sees which people and memberships of the directory.
mod people;
/// The rules of the referral network: clients, consents, referrals and notes.
mod referrals;

pub use accounts::*;
pub use directory::*;
pub use people::*;
pub use referrals::*;

/// What an actor wants to do within one organization's accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgAction {
    /// See who belongs to the organization and in which role.
    ReadMembers,
    /// Invite people, change roles, remove members, see and revoke invitations.
    ManageMembers,
    /// Create, list and revoke the organization's API keys.
    ManageApiKeys,
    /// Read the organization's audit entries.
    ReadAudit,
}

/// What an actor wants to do across the coalition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoalitionAction {
    /// Register a new member organization.
    CreateOrganization,
    /// Grant or withdraw the coordinator and clerk roles.
    ManageCoalitionRoles,
}

/// Whether `actor` may perform `action` in organization `org`.
pub fn allows(actor: &Actor, org: Uuid, action: OrgAction) -> bool {
    if actor.is_coordinator() {
        // Coordinators keep the network healthy: they seat the first admin of a
        // new organization and can step in when an organization has none, but
        // they do not hold an organization's API keys.
        return action != OrgAction::ManageApiKeys || matches!(actor.principal, Principal::System);
    }
    let is_user = matches!(actor.principal, Principal::User(_));
    match (actor.role_in(org), action) {
        (None, _) => false,
        (Some(_), OrgAction::ReadMembers) => true,
        (Some(OrgRole::Admin), _) => is_user,
        (Some(_), _) => false,
    }
}

/// Whether `actor` may perform a coalition-wide `action`.
pub fn allows_coalition(actor: &Actor, action: CoalitionAction) -> bool {
    match action {
        CoalitionAction::CreateOrganization | CoalitionAction::ManageCoalitionRoles => {
            actor.is_coordinator()
        }
    }
}

/// `Ok` when `allowed`, else the refusal suited to the actor. The refusal is
/// logged at debug level with what was refused; the client hears only the code.
pub fn authorize(actor: &Actor, allowed: bool, what: &str) -> AppResult<()> {
    if allowed {
        Ok(())
    } else if actor.is_anonymous() {
        tracing::debug!(rule = what, "refused: not authenticated");
        Err(AppError::Unauthenticated)
    } else {
        tracing::debug!(rule = what, "refused");
        Err(AppError::Forbidden(format!("you may not {what}")))
    }
}

/// `Ok` when the actor may know the record exists, else `NOT_FOUND`. The
/// refusal is logged at debug level with the name of the `rule` that hid it.
pub fn reveal(rule: &'static str, allowed: bool) -> AppResult<()> {
    if allowed {
        Ok(())
    } else {
        tracing::debug!(rule, "hidden");
        Err(AppError::NotFound)
    }
}

/// Whether `actor` may see the account of user `user_id`, who belongs to
/// `user_orgs`: themselves, anyone sharing an organization, coordinators.
pub fn may_see_user(actor: &Actor, user_id: Uuid, user_orgs: &[Uuid]) -> bool {
    actor.is_coordinator()
        || actor.user_id() == Some(user_id)
        || user_orgs.iter().any(|org| actor.role_in(*org).is_some())
}

/// Record types of the referral network: entries about them tell who was
/// referred where and how it ended.
pub const REFERRAL_NETWORK_RECORDS: [&str; 3] = ["Client", "Consent", "Referral"];

/// What of the audit log an actor reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditScope {
    /// Organizations whose entries the actor reads, all of them: where it is
    /// an admin.
    pub organizations: Vec<Uuid>,
    /// Whether it also reads every entry that is not about the referral
    /// network (coordinators: accounts, directory, records).
    pub coalition_wide: bool,
    /// Whether it reads everything (the service itself).
    pub everything: bool,
}

impl AuditScope {
    /// Whether the actor reads any entry at all.
    pub fn reads_any(&self) -> bool {
        self.everything || self.coalition_wide || !self.organizations.is_empty()
    }

    /// Whether the actor reads an entry recorded for `organization` about a
    /// record of type `record_type`.
    pub fn reads(&self, organization: Option<Uuid>, record_type: &str) -> bool {
        self.everything
            || organization.is_some_and(|org| self.organizations.contains(&org))
            || (self.coalition_wide && !REFERRAL_NETWORK_RECORDS.contains(&record_type))
    }
}

/// The audit entries `actor` may read: an organization's admins read all of
/// its entries; coordinators read the rest of the coalition's entries except
/// those about clients, consents and referrals, which they may not see (a
/// referral answers `NOT_FOUND` to them, and so does its trail).
pub fn audit_scope(actor: &Actor) -> AuditScope {
    let is_user = matches!(actor.principal, Principal::User(_));
    AuditScope {
        organizations: actor
            .organizations()
            .into_iter()
            .filter(|(_, role)| is_user && *role == OrgRole::Admin)
            .map(|(org, _)| org)
            .collect(),
        coalition_wide: actor.is_coordinator(),
        everything: matches!(actor.principal, Principal::System),
    }
}

// ---------------------------------------------------------------- directory

/// Whether `actor` is a member of the coalition: a user who belongs to an
/// organization or holds a coalition role, or an organization's API key.
/// Members read the directory's `COALITION` contacts and non-public bodies.
pub fn is_coalition_member(actor: &Actor) -> bool {
    match &actor.principal {
        Principal::User(u) => !u.memberships.is_empty() || !u.coalition_roles.is_empty(),
        Principal::ApiKey(_) | Principal::System => true,
        Principal::Anonymous => false,
    }
}

/// Whether `actor` may see a contact detail of this visibility.
pub fn may_see_contact(actor: &Actor, visibility: ContactVisibility) -> bool {
    match visibility {
        ContactVisibility::Public => true,
        ContactVisibility::Coalition => is_coalition_member(actor),
    }
}

/// Whether `actor` may edit the directory entries (profile, services,
/// locations) of organization `org`: its admins and staff, its `STAFF` API
/// keys (partner apps keep their entries current), and coordinators.
pub fn may_edit_directory_entry(actor: &Actor, org: Uuid) -> bool {
    actor.is_coordinator() || matches!(actor.role_in(org), Some(OrgRole::Admin | OrgRole::Staff))
}

/// Whether `actor` may manage the coalition's shared directory structures:
/// the taxonomy, bodies and their posts.
pub fn may_manage_directory(actor: &Actor) -> bool {
    actor.is_coordinator()
}

/// Whether `actor` may manage the memberships of a body owned by `owner`
/// (coordinators anywhere; the owning organization's admins for its body).
pub fn may_manage_body_memberships(actor: &Actor, owner: Option<Uuid>) -> bool {
    actor.is_coordinator()
        || owner.is_some_and(|org| {
            actor.role_in(org) == Some(OrgRole::Admin)
                && matches!(actor.principal, Principal::User(_))
        })
}

/// Whether `actor` may see a body (and its current members): public bodies
/// are for everyone, the others for coalition members.
pub fn may_see_body(actor: &Actor, records_public: bool) -> bool {
    records_public || is_coalition_member(actor)
}

/// Whether `actor` may edit the directory profile of a person linked to user
/// `linked_user`: the person themselves and coordinators.
pub fn may_edit_person(actor: &Actor, linked_user: Option<Uuid>) -> bool {
    actor.is_coordinator() || (linked_user.is_some() && actor.user_id() == linked_user)
}

/// Whether `actor` may see a service of this status: active services are
/// public, the others are for members of the coalition.
pub fn may_see_service(actor: &Actor, status: ServiceStatus) -> bool {
    status == ServiceStatus::Active || is_coalition_member(actor)
}

/// What of a location `actor` may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocationView {
    /// All fields.
    Full,
    /// The contact route only: never an address, a neighborhood or coordinates.
    ContactOnly,
    /// Nothing: the location is not shown at all.
    Hidden,
}

/// How much of a location `actor` may see: public locations fully,
/// members-only locations fully to members and not at all to others, and
/// confidential locations (shelters for survivors of violence) only by their
/// contact route, to everyone, members included.
pub fn location_view(actor: &Actor, visibility: LocationVisibility) -> LocationView {
    match visibility {
        LocationVisibility::Public => LocationView::Full,
        LocationVisibility::Coalition if is_coalition_member(actor) => LocationView::Full,
        LocationVisibility::Coalition => LocationView::Hidden,
        LocationVisibility::Confidential => LocationView::ContactOnly,
    }
}

// ---------------------------------------------------------------- records

/// How far an actor reaches into one body's records, from nothing to all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordsAccess {
    /// The body's records do not exist for this actor (`NOT_FOUND`).
    None,
    /// What the public reads: meetings, published agendas, attendance,
    /// motions and votes, published minutes, action items.
    Public,
    /// Members of the body: drafts too (unpublished agendas, draft minutes
    /// and every revision).
    Member,
    /// Clerks, coordinators, and the owning organization's admins and staff:
    /// everything, and they keep the records.
    Manage,
}

impl RecordsAccess {
    /// Whether the body's records exist for the actor at all.
    pub fn sees(self) -> bool {
        self > RecordsAccess::None
    }
    /// Whether the actor reads drafts.
    pub fn reads_drafts(self) -> bool {
        self >= RecordsAccess::Member
    }
    /// Whether the actor keeps the records.
    pub fn manages(self) -> bool {
        self == RecordsAccess::Manage
    }
}

/// Whether `actor` keeps the records of a body owned by `owner`: coalition
/// clerks and coordinators for every body, the owning organization's admins
/// and staff (and its `STAFF` API keys) for its body.
pub fn may_manage_records(actor: &Actor, owner: Option<Uuid>) -> bool {
    actor.is_coordinator()
        || actor.has_coalition_role(CoalitionRoleKind::Clerk)
        || owner
            .is_some_and(|org| matches!(actor.role_in(org), Some(OrgRole::Admin | OrgRole::Staff)))
}

/// How far `actor` reaches into the records of a body owned by `owner`,
/// public or not, given whether the actor sits on the body today. The public
/// level follows the body's own visibility ([`may_see_body`]).
pub fn records_access(
    actor: &Actor,
    owner: Option<Uuid>,
    records_public: bool,
    sits_on_body: bool,
) -> RecordsAccess {
    if may_manage_records(actor, owner) {
        RecordsAccess::Manage
    } else if sits_on_body {
        RecordsAccess::Member
    } else if may_see_body(actor, records_public) {
        RecordsAccess::Public
    } else {
        RecordsAccess::None
    }
}

/// Whether a meeting's agenda items are visible: a published agenda to all
/// who see the body's records, an unpublished one to its members.
pub fn may_read_agenda(access: RecordsAccess, published: bool) -> bool {
    access.sees() && (published || access.reads_drafts())
}

/// Whether minutes (or a correction) are visible: published ones to all who
/// see the body's records, drafts and approved ones to its members. Their
/// revisions are for members only ([`RecordsAccess::reads_drafts`]).
pub fn may_read_minutes(access: RecordsAccess, status: MinutesStatus) -> bool {
    access.sees() && (status == MinutesStatus::Published || access.reads_drafts())
}

/// `Ok` when `access` lets the actor change the records; `NOT_FOUND` when
/// the records do not exist for the actor, else the refusal suited to them.
pub fn authorize_records_change(actor: &Actor, access: RecordsAccess) -> AppResult<()> {
    reveal("sees_records", access.sees())?;
    authorize(actor, access.manages(), "keep this body's records")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{ApiKeyPrincipal, UserPrincipal};

    fn user(memberships: Vec<(Uuid, OrgRole)>, roles: Vec<CoalitionRoleKind>) -> Actor {
        Actor {
            principal: Principal::User(UserPrincipal {
                user_id: Uuid::now_v7(),
                memberships,
                coalition_roles: roles,
            }),
            request_id: None,
        }
    }

    #[test]
    fn each_org_role_gets_exactly_its_actions() {
        let org = Uuid::now_v7();
        let cases = [
            (OrgRole::Admin, [true, true, true, true]),
            (OrgRole::Staff, [true, false, false, false]),
            (OrgRole::Viewer, [true, false, false, false]),
        ];
        for (role, expected) in cases {
            let actor = user(vec![(org, role)], vec![]);
            let got = [
                OrgAction::ReadMembers,
                OrgAction::ManageMembers,
                OrgAction::ManageApiKeys,
                OrgAction::ReadAudit,
            ]
            .map(|a| allows(&actor, org, a));
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn a_role_in_one_organization_grants_nothing_in_another() {
        let actor = user(vec![(Uuid::now_v7(), OrgRole::Admin)], vec![]);
        assert!(!allows(&actor, Uuid::now_v7(), OrgAction::ReadMembers));
    }

    #[test]
    fn an_api_key_reads_members_but_manages_nothing() {
        let org = Uuid::now_v7();
        let actor = Actor {
            principal: Principal::ApiKey(ApiKeyPrincipal {
                key_id: Uuid::now_v7(),
                organization_id: org,
                role: OrgRole::Staff,
            }),
            request_id: None,
        };
        assert!(allows(&actor, org, OrgAction::ReadMembers));
        assert!(!allows(&actor, org, OrgAction::ManageMembers));
        assert!(!allows(&actor, org, OrgAction::ManageApiKeys));
    }

    #[test]
    fn coordinators_manage_members_anywhere_but_hold_no_api_keys() {
        let actor = user(vec![], vec![CoalitionRoleKind::Coordinator]);
        let org = Uuid::now_v7();
        assert!(allows(&actor, org, OrgAction::ManageMembers));
        assert!(allows(&actor, org, OrgAction::ReadAudit));
        assert!(!allows(&actor, org, OrgAction::ManageApiKeys));
        let scope = audit_scope(&actor);
        assert!(scope.reads(Some(org), "Membership"));
        assert!(
            !scope.reads(Some(org), "Referral"),
            "the referral network's trail is not the coordinators'"
        );
    }

    #[test]
    fn coalition_contacts_are_for_members_only() {
        let anonymous = Actor::anonymous(None);
        let member = user(vec![(Uuid::now_v7(), OrgRole::Viewer)], vec![]);
        let orphan = user(vec![], vec![]);
        assert!(may_see_contact(&anonymous, ContactVisibility::Public));
        assert!(!may_see_contact(&anonymous, ContactVisibility::Coalition));
        assert!(may_see_contact(&member, ContactVisibility::Coalition));
        assert!(
            !may_see_contact(&orphan, ContactVisibility::Coalition),
            "an account with no organization is not a member"
        );
    }

    #[test]
    fn a_confidential_address_is_shown_to_nobody_and_members_only_ones_to_members() {
        let anonymous = Actor::anonymous(None);
        let coordinator = user(vec![], vec![CoalitionRoleKind::Coordinator]);
        assert_eq!(
            location_view(&anonymous, LocationVisibility::Public),
            LocationView::Full
        );
        assert_eq!(
            location_view(&anonymous, LocationVisibility::Coalition),
            LocationView::Hidden
        );
        assert_eq!(
            location_view(&coordinator, LocationVisibility::Coalition),
            LocationView::Full
        );
        assert_eq!(
            location_view(&coordinator, LocationVisibility::Confidential),
            LocationView::ContactOnly
        );
        assert_eq!(
            location_view(&anonymous, LocationVisibility::Confidential),
            LocationView::ContactOnly
        );
    }

    #[test]
    fn viewers_do_not_edit_directory_entries_but_staff_do() {
        let org = Uuid::now_v7();
        assert!(!may_edit_directory_entry(
            &user(vec![(org, OrgRole::Viewer)], vec![]),
            org
        ));
        assert!(may_edit_directory_entry(
            &user(vec![(org, OrgRole::Staff)], vec![]),
            org
        ));
        assert!(!may_edit_directory_entry(
            &user(vec![(org, OrgRole::Staff)], vec![]),
            Uuid::now_v7()
        ));
    }

    #[test]
    fn an_owning_organization_s_admin_manages_its_body_only() {
        let org = Uuid::now_v7();
        let admin = user(vec![(org, OrgRole::Admin)], vec![]);
        assert!(may_manage_body_memberships(&admin, Some(org)));
        assert!(!may_manage_body_memberships(&admin, Some(Uuid::now_v7())));
        assert!(!may_manage_body_memberships(&admin, None));
    }

    #[test]
    fn records_access_goes_from_the_public_to_the_clerk() {
        let owner = Uuid::now_v7();
        let anonymous = Actor::anonymous(None);
        let clerk = user(vec![], vec![CoalitionRoleKind::Clerk]);
        let owner_staff = user(vec![(owner, OrgRole::Staff)], vec![]);
        let owner_viewer = user(vec![(owner, OrgRole::Viewer)], vec![]);
        let other_admin = user(vec![(Uuid::now_v7(), OrgRole::Admin)], vec![]);
        assert_eq!(
            records_access(&anonymous, Some(owner), true, false),
            RecordsAccess::Public
        );
        assert_eq!(
            records_access(&anonymous, Some(owner), false, false),
            RecordsAccess::None
        );
        assert_eq!(
            records_access(&clerk, None, false, false),
            RecordsAccess::Manage
        );
        assert_eq!(
            records_access(&owner_staff, Some(owner), false, false),
            RecordsAccess::Manage
        );
        assert_eq!(
            records_access(&owner_viewer, Some(owner), false, false),
            RecordsAccess::Public,
            "viewers read, they do not keep records"
        );
        assert_eq!(
            records_access(&other_admin, Some(owner), true, true),
            RecordsAccess::Member
        );
        assert!(matches!(
            authorize_records_change(&anonymous, RecordsAccess::None),
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            authorize_records_change(&other_admin, RecordsAccess::Public),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn the_anonymous_are_asked_to_log_in_not_forbidden() {
        let anonymous = Actor::anonymous(None);
        assert!(matches!(
            authorize(&anonymous, false, "do it"),
            Err(AppError::Unauthenticated)
        ));
    }
}

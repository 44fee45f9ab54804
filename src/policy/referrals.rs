//! Who may do what in the referral network: who works clients' records, which
//! side of a referral an actor acts for, which parts of a client a receiver
//! reads under a consent, who reads which notes and who takes which step.
//! Services gather the facts (the referral's parties, the note's visibility,
//! the consent in force); these functions decide.

use crate::auth::{Actor, Principal};
use crate::error::{AppError, AppResult};
use entity::enums::{NoteVisibility, OrgRole, OrganizationKind};
use entity::organization;
use serde::Serialize;
use uuid::Uuid;

/// Whether `actor` works client records for organization `org`: its staff and
/// admins, and its `STAFF` API keys. Viewers and coordinators do not (people
/// referred may be at risk; only those who need their details see them).
pub fn may_work_clients(actor: &Actor, org: Uuid) -> bool {
    matches!(actor.role_in(org), Some(OrgRole::Admin | OrgRole::Staff))
}

/// Whether `actor` may erase a client of `org`, or set how long its consents
/// may last: the organization's admins, in person (not an API key), since
/// erasure cannot be undone and the limit binds all its staff.
pub fn may_erase_client(actor: &Actor, org: Uuid) -> bool {
    actor.role_in(org) == Some(OrgRole::Admin) && matches!(actor.principal, Principal::User(_))
}

/// Whether `actor` may set how long `org`'s consents may last (its admins).
pub fn may_limit_consents(actor: &Actor, org: Uuid) -> bool {
    may_erase_client(actor, org)
}

/// The longest, in days, a consent recorded by `org` may last: its admins'
/// limit, and for a shelter never more than `shelter_max_days` (time-limited
/// consent, as VAWA asks of shelters). `None`: consents may be open-ended.
pub fn longest_consent(org: &organization::Model, shelter_max_days: u32) -> Option<i64> {
    let own = org.consent_max_days.map(i64::from);
    if org.kind == OrganizationKind::Shelter {
        let cap = i64::from(shelter_max_days);
        Some(own.map_or(cap, |d| d.min(cap)))
    } else {
        own
    }
}

/// Whether `actor` may read the accounting of disclosures of a client of
/// `owner` (who read which parts of the record, when, through which
/// referral): whoever works the record itself, so the staff who serve the
/// person can tell them who saw their data.
pub fn may_account_disclosures(actor: &Actor, owner: Uuid) -> bool {
    may_work_clients(actor, owner)
}

/// Whether `actor` may list the reads of personal data made by the people
/// and keys acting for `org`: its admins (people, not keys), who answer for
/// what their staff read. Its staff and viewers may not, nor coordinators,
/// who read no entry about clients.
pub fn may_list_personal_data_reads(actor: &Actor, org: Uuid) -> bool {
    matches!(actor.principal, Principal::User(_)) && actor.role_in(org) == Some(OrgRole::Admin)
}

/// Whether `actor` may read the network's referral statistics (counts and
/// timings, no personal data): coordinators.
pub fn may_read_network_statistics(actor: &Actor) -> bool {
    actor.is_coordinator()
}

/// The side of a referral an actor stands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralSide {
    /// The referring organization.
    Sender,
    /// The receiving organization.
    Receiver,
}

/// The side `actor` may act for on a referral between `referring` and
/// `receiving` (staff, admins, STAFF keys); a member of both acts for the sender.
pub fn referral_side(actor: &Actor, referring: Uuid, receiving: Uuid) -> Option<ReferralSide> {
    if may_work_clients(actor, referring) {
        Some(ReferralSide::Sender)
    } else if may_work_clients(actor, receiving) {
        Some(ReferralSide::Receiver)
    } else {
        None
    }
}

/// Whether `actor` may follow the referral changes of its organizations: it
/// acts for at least one organization (a subscription whose user has been
/// removed from every organization ends).
pub fn may_follow_referrals(actor: &Actor) -> bool {
    !actor.organizations().is_empty()
}

/// Whether `actor` may see a referral (its status, service and history): any
/// member of either party, viewers included. Nobody else, coordinators
/// included, learns it exists.
pub fn may_see_referral(actor: &Actor, referring: Uuid, receiving: Uuid) -> bool {
    actor.role_in(referring).is_some() || actor.role_in(receiving).is_some()
}

/// Which parts of a client's record an actor may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct ClientParts {
    /// The display name.
    pub name: bool,
    /// The contact channel and value.
    pub contact: bool,
    /// Preferred languages.
    pub languages: bool,
    /// The needs summary.
    pub needs: bool,
    /// Year of birth (owning organization only: no consent part covers it).
    pub birth_year: bool,
}

impl ClientParts {
    /// Everything.
    pub const ALL: ClientParts = ClientParts {
        name: true,
        contact: true,
        languages: true,
        needs: true,
        birth_year: true,
    };

    /// Whether any part is readable.
    pub fn any(&self) -> bool {
        self.name || self.contact || self.languages || self.needs || self.birth_year
    }
}

/// What a consent lets a receiving organization read, as stored.
#[derive(Clone, Copy, Debug)]
pub struct ConsentGrant {
    /// The consent may be used (not revoked, not expired).
    pub in_force: bool,
    /// Parts the consent shares.
    pub parts: ClientParts,
}

/// The parts of a client's record `actor` may read: everything for the owning
/// organization's staff; through an open referral under a consent in force,
/// the consented parts for the receiving organization's staff; nothing for
/// anyone else (after revocation or once the referral is closed, too).
pub fn client_parts(
    actor: &Actor,
    owner: Uuid,
    via: Option<(Uuid, bool, ConsentGrant)>,
) -> ClientParts {
    if may_work_clients(actor, owner) {
        return ClientParts::ALL;
    }
    match via {
        Some((receiving, referral_open, grant))
            if referral_open && grant.in_force && may_work_clients(actor, receiving) =>
        {
            grant.parts
        }
        _ => ClientParts::default(),
    }
}

/// Whether `actor` may list the referrals of its organizations: it acts for
/// at least one organization.
pub fn may_list_referrals(actor: &Actor) -> bool {
    !actor.organizations().is_empty()
}

/// Whether `actor`, who may read `parts` of the referred client, reads a
/// note of this `visibility` written for `organization`. A note speaks about
/// the person, so it goes with their needs: the other party's shared notes
/// only while the consent shares needs (the referral open, the consent in
/// force), the actor's own organization's notes likewise, except its
/// internal ones, which its staff keep after revocation or closure. Viewers
/// and coordinators, who never see a client, read none.
pub fn may_read_note(
    actor: &Actor,
    parts: ClientParts,
    visibility: NoteVisibility,
    organization: Uuid,
) -> bool {
    let own_internal =
        visibility == NoteVisibility::Internal && may_work_clients(actor, organization);
    let consented = parts.needs
        && (visibility == NoteVisibility::Shared || actor.role_in(organization).is_some());
    own_internal || consented
}

/// Whether a viewer who may read `parts` of the referred client reads the
/// notes given with the referral's steps (they speak about the person's
/// needs, like the reason).
pub fn may_read_step_notes(parts: ClientParts) -> bool {
    parts.needs
}

/// Whether a viewer who may read `parts` of the referred client reads the
/// language an interpreter is needed in (it tells the person's language).
pub fn may_read_interpreter_language(parts: ClientParts) -> bool {
    parts.languages
}

/// Whether a viewer who may read `parts` of the referred client reads why the
/// client is referred: the reason describes the person's needs, so it goes
/// with the consent's needs part.
pub fn may_read_referral_reason(parts: ClientParts) -> bool {
    parts.needs
}

/// Whether an actor acting for `side` (from [`referral_side`]) may take a
/// step of the lifecycle that belongs to `needed`.
pub fn may_take_referral_step(side: Option<ReferralSide>, needed: ReferralSide) -> bool {
    side == Some(needed)
}

/// Whether an actor acting for `side` may assign a referral: the receiver.
pub fn may_assign_referral(side: Option<ReferralSide>) -> bool {
    side == Some(ReferralSide::Receiver)
}

/// `Ok` when an actor acting for `side` may take the lifecycle step `step`
/// (e.g. `accept`) that belongs to `needed`; else `FORBIDDEN` naming the
/// party that may.
pub fn authorize_referral_step(
    actor: &Actor,
    side: Option<ReferralSide>,
    needed: ReferralSide,
    step: &str,
) -> AppResult<()> {
    if may_take_referral_step(side, needed) {
        return Ok(());
    }
    let who = match needed {
        ReferralSide::Sender => "the referring organization",
        ReferralSide::Receiver => "the receiving organization",
    };
    Err(refuse(
        actor,
        "may_take_referral_step",
        format!("only {who} may {step} this referral"),
    ))
}

/// `Ok` when an actor acting for `side` may assign a referral, else `FORBIDDEN`.
pub fn authorize_referral_assignment(actor: &Actor, side: Option<ReferralSide>) -> AppResult<()> {
    if may_assign_referral(side) {
        return Ok(());
    }
    Err(refuse(
        actor,
        "may_assign_referral",
        "only the receiving organization assigns a referral".into(),
    ))
}

/// The side a note by an actor acting for `side` is written for: either
/// party's staff write notes; viewers, who act for no side, only read.
pub fn authorize_referral_note(
    actor: &Actor,
    side: Option<ReferralSide>,
) -> AppResult<ReferralSide> {
    side.ok_or_else(|| {
        refuse(
            actor,
            "referral_side",
            "viewers may read referrals but not write on them".into(),
        )
    })
}

/// The refusal of `rule` suited to the actor, with the message the client
/// reads; logged at debug level like [`super::authorize`]'s refusals.
fn refuse(actor: &Actor, rule: &'static str, message: String) -> AppError {
    if actor.is_anonymous() {
        tracing::debug!(rule, "refused: not authenticated");
        AppError::Unauthenticated
    } else {
        tracing::debug!(rule, "refused");
        AppError::Forbidden(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::UserPrincipal;
    use entity::enums::CoalitionRoleKind;

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
    fn a_receiver_reads_only_consented_parts_while_the_referral_is_open() {
        let (owner, receiver) = (Uuid::now_v7(), Uuid::now_v7());
        let staff = user(vec![(receiver, OrgRole::Staff)], vec![]);
        let grant = ConsentGrant {
            in_force: true,
            parts: ClientParts {
                name: true,
                languages: true,
                ..ClientParts::default()
            },
        };
        assert_eq!(
            client_parts(&staff, owner, Some((receiver, true, grant))),
            grant.parts
        );
        assert!(
            !client_parts(&staff, owner, Some((receiver, false, grant))).any(),
            "closed referral"
        );
        let revoked = ConsentGrant {
            in_force: false,
            ..grant
        };
        assert!(
            !client_parts(&staff, owner, Some((receiver, true, revoked))).any(),
            "revoked consent"
        );
        let viewer = user(vec![(receiver, OrgRole::Viewer)], vec![]);
        assert!(
            !client_parts(&viewer, owner, Some((receiver, true, grant))).any(),
            "viewers see no personal data"
        );
        let coordinator = user(vec![], vec![CoalitionRoleKind::Coordinator]);
        assert!(!client_parts(&coordinator, owner, Some((receiver, true, grant))).any());
        assert_eq!(
            client_parts(&user(vec![(owner, OrgRole::Staff)], vec![]), owner, None),
            ClientParts::ALL
        );
    }

    #[test]
    fn notes_go_with_the_needs_a_consent_shares_and_viewers_read_none() {
        let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
        let staff = user(vec![(mine, OrgRole::Staff)], vec![]);
        let needs = ClientParts {
            needs: true,
            ..ClientParts::default()
        };
        let nothing = ClientParts::default();
        assert!(may_read_note(&staff, needs, NoteVisibility::Shared, theirs));
        assert!(!may_read_note(
            &staff,
            needs,
            NoteVisibility::Internal,
            theirs
        ));
        assert!(!may_read_note(
            &staff,
            nothing,
            NoteVisibility::Shared,
            theirs
        ));
        assert!(!may_read_note(
            &staff,
            nothing,
            NoteVisibility::Shared,
            mine
        ));
        assert!(
            may_read_note(&staff, nothing, NoteVisibility::Internal, mine),
            "an organization keeps its own internal notes after the consent ends"
        );
        let viewer = user(vec![(mine, OrgRole::Viewer)], vec![]);
        for visibility in [NoteVisibility::Shared, NoteVisibility::Internal] {
            for organization in [mine, theirs] {
                assert!(!may_read_note(&viewer, nothing, visibility, organization));
            }
        }
    }

    #[test]
    fn only_an_organization_s_admins_list_its_people_s_reads_of_personal_data() {
        let org = Uuid::now_v7();
        assert!(may_list_personal_data_reads(
            &user(vec![(org, OrgRole::Admin)], vec![]),
            org
        ));
        for role in [OrgRole::Staff, OrgRole::Viewer] {
            assert!(!may_list_personal_data_reads(
                &user(vec![(org, role)], vec![]),
                org
            ));
        }
        assert!(!may_list_personal_data_reads(
            &user(vec![(Uuid::now_v7(), OrgRole::Admin)], vec![]),
            org
        ));
        assert!(!may_list_personal_data_reads(
            &user(vec![], vec![CoalitionRoleKind::Coordinator]),
            org
        ));
        let key = Actor {
            principal: Principal::ApiKey(crate::auth::ApiKeyPrincipal {
                key_id: Uuid::now_v7(),
                organization_id: org,
                role: OrgRole::Staff,
            }),
            request_id: None,
        };
        assert!(!may_list_personal_data_reads(&key, org));
        assert!(
            may_account_disclosures(&key, org),
            "a STAFF key works the record"
        );
        assert!(!may_account_disclosures(
            &user(vec![(org, OrgRole::Viewer)], vec![]),
            org
        ));
    }

    #[test]
    fn a_viewer_may_not_write_on_a_referral_or_take_its_steps() {
        let viewer = user(vec![(Uuid::now_v7(), OrgRole::Viewer)], vec![]);
        assert!(matches!(
            authorize_referral_note(&viewer, None),
            Err(AppError::Forbidden(ref m)) if m == "viewers may read referrals but not write on them"
        ));
        assert!(!may_take_referral_step(None, ReferralSide::Receiver));
        assert!(!may_assign_referral(None));
    }

    #[test]
    fn only_the_party_a_step_belongs_to_takes_it_and_the_refusal_names_that_party() {
        let sender = user(vec![(Uuid::now_v7(), OrgRole::Staff)], vec![]);
        assert!(
            authorize_referral_step(
                &sender,
                Some(ReferralSide::Sender),
                ReferralSide::Sender,
                "cancel"
            )
            .is_ok()
        );
        let refused = authorize_referral_step(
            &sender,
            Some(ReferralSide::Sender),
            ReferralSide::Receiver,
            "accept",
        )
        .unwrap_err();
        assert!(matches!(
            refused,
            AppError::Forbidden(ref m) if m == "only the receiving organization may accept this referral"
        ));
        assert!(authorize_referral_assignment(&sender, Some(ReferralSide::Sender)).is_err());
        assert!(authorize_referral_assignment(&sender, Some(ReferralSide::Receiver)).is_ok());
    }

    #[test]
    fn an_account_without_an_organization_may_not_list_referrals() {
        assert!(!may_list_referrals(&user(
            vec![],
            vec![CoalitionRoleKind::Coordinator]
        )));
        assert!(may_list_referrals(&user(
            vec![(Uuid::now_v7(), OrgRole::Viewer)],
            vec![]
        )));
    }

    #[test]
    fn the_reason_and_step_notes_go_with_the_needs_and_the_interpreter_with_the_languages() {
        assert!(!may_read_referral_reason(ClientParts::default()));
        let all_but_needs = ClientParts {
            needs: false,
            ..ClientParts::ALL
        };
        assert!(!may_read_referral_reason(all_but_needs));
        assert!(!may_read_step_notes(all_but_needs));
        assert!(may_read_interpreter_language(all_but_needs));
        assert!(!may_read_interpreter_language(ClientParts {
            languages: false,
            ..ClientParts::ALL
        }));
        assert!(may_read_referral_reason(ClientParts {
            needs: true,
            ..ClientParts::default()
        }));
    }
}

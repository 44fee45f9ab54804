//! Who sees which people and memberships of the directory. The service
//! gathers the facts (whose account a profile is linked to, whether the
//! person sits today on a public body, whether a membership seats someone
//! today); these rules decide on them.

use super::{is_coalition_member, may_edit_person};
use crate::auth::Actor;
use uuid::Uuid;

/// What decides whether an actor may know that a person exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonFacts {
    /// The user account linked to the person's profile, if any.
    pub linked_user: Option<Uuid>,
    /// Whether the person sits today on a body the public may see.
    pub sits_on_a_public_body: bool,
}

/// Whether `actor` sees a person linked to `linked_user` whatever bodies they
/// sit on: coalition members see everyone, and whoever may edit the profile
/// (its own account, coordinators) sees it. For everyone else the person's
/// seats decide, and only then need they be read.
pub fn may_see_person_whatever_their_seats(actor: &Actor, linked_user: Option<Uuid>) -> bool {
    is_coalition_member(actor) || may_edit_person(actor, linked_user)
}

/// Whether `actor` may know that a person exists: those of
/// [`may_see_person_whatever_their_seats`], and the public for people sitting
/// today on a public body.
pub fn may_see_person(actor: &Actor, facts: &PersonFacts) -> bool {
    may_see_person_whatever_their_seats(actor, facts.linked_user) || facts.sits_on_a_public_body
}

/// Whether `actor` may see a membership on a body (that it may see) which is
/// `body_public` or not, seating its person today or not: coalition members
/// see every membership, past and future ones included; the public only those
/// seating someone today on a public body.
pub fn may_see_membership(actor: &Actor, body_public: bool, seated_today: bool) -> bool {
    is_coalition_member(actor) || (body_public && seated_today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Principal, UserPrincipal};
    use entity::enums::{CoalitionRoleKind, OrgRole};

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

    fn facts(linked_user: Option<Uuid>, sits_on_a_public_body: bool) -> PersonFacts {
        PersonFacts {
            linked_user,
            sits_on_a_public_body,
        }
    }

    #[test]
    fn the_public_sees_only_people_sitting_today_on_a_public_body() {
        let anonymous = Actor::anonymous(None);
        assert!(may_see_person(&anonymous, &facts(None, true)));
        assert!(!may_see_person(&anonymous, &facts(None, false)));
        assert!(!may_see_person_whatever_their_seats(&anonymous, None));
    }

    #[test]
    fn a_coalition_member_sees_every_person_seated_or_not() {
        let member = user(vec![(Uuid::now_v7(), OrgRole::Viewer)], vec![]);
        assert!(may_see_person(&member, &facts(None, false)));
        assert!(may_see_person_whatever_their_seats(&member, None));
    }

    #[test]
    fn a_user_of_no_organization_sees_their_own_profile_but_not_others() {
        let orphan = user(vec![], vec![]);
        let own = orphan.user_id();
        assert!(may_see_person(&orphan, &facts(own, false)));
        assert!(!may_see_person(
            &orphan,
            &facts(Some(Uuid::now_v7()), false)
        ));
        assert!(
            !may_see_person(&orphan, &facts(None, false)),
            "an unlinked profile is nobody's own"
        );
    }

    #[test]
    fn the_public_sees_only_memberships_seating_someone_today_on_a_public_body() {
        let anonymous = Actor::anonymous(None);
        assert!(may_see_membership(&anonymous, true, true));
        assert!(!may_see_membership(&anonymous, true, false));
        assert!(!may_see_membership(&anonymous, false, true));
    }

    #[test]
    fn a_coalition_member_sees_past_memberships_of_any_body() {
        let member = user(vec![], vec![CoalitionRoleKind::Clerk]);
        assert!(may_see_membership(&member, false, false));
    }
}

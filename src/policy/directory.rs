//! Rules of the services directory that depend on more than one fact.

use super::{is_coalition_member, may_see_service};
use crate::auth::Actor;
use entity::enums::ServiceStatus;

/// Whether `actor` may search for services of these `statuses`: every one
/// must be a status it may see (the public asks for active services only).
pub fn may_list_services_with_status(actor: &Actor, statuses: &[ServiceStatus]) -> bool {
    statuses.iter().all(|s| may_see_service(actor, *s))
}

/// The statuses of the services `actor` may see ([`may_see_service`]), as a
/// filter for queries that list services.
pub fn visible_service_statuses(actor: &Actor) -> Vec<ServiceStatus> {
    [
        ServiceStatus::Active,
        ServiceStatus::Inactive,
        ServiceStatus::TemporarilyClosed,
        ServiceStatus::Defunct,
    ]
    .into_iter()
    .filter(|s| may_see_service(actor, *s))
    .collect()
}

/// Whether `actor` may see who last confirmed a service's entry: members of
/// the coalition, not the public.
pub fn may_see_service_verifier(actor: &Actor) -> bool {
    is_coalition_member(actor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Principal, UserPrincipal};
    use entity::enums::OrgRole;
    use uuid::Uuid;

    #[test]
    fn the_public_may_search_active_services_only() {
        let anonymous = Actor::anonymous(None);
        assert!(may_list_services_with_status(&anonymous, &[]));
        assert!(may_list_services_with_status(
            &anonymous,
            &[ServiceStatus::Active]
        ));
        assert!(!may_list_services_with_status(
            &anonymous,
            &[ServiceStatus::Active, ServiceStatus::Inactive]
        ));
        assert!(!may_see_service_verifier(&anonymous));
        assert_eq!(
            visible_service_statuses(&anonymous),
            vec![ServiceStatus::Active]
        );
    }

    #[test]
    fn a_member_may_search_services_of_any_status() {
        let member = Actor {
            principal: Principal::User(UserPrincipal {
                user_id: Uuid::now_v7(),
                memberships: vec![(Uuid::now_v7(), OrgRole::Viewer)],
                coalition_roles: Vec::new(),
            }),
            request_id: None,
        };
        assert!(may_list_services_with_status(
            &member,
            &[ServiceStatus::Defunct, ServiceStatus::TemporarilyClosed]
        ));
        assert!(may_see_service_verifier(&member));
        assert_eq!(visible_service_statuses(&member).len(), 4);
    }
}

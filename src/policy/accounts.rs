//! Rules of accounts that depend on more than an [`super::OrgAction`].

use super::{OrgAction, allows};
use crate::auth::{Actor, Principal};
use uuid::Uuid;

/// Whether `actor` may see the API key `key_id` of organization `org`: the
/// organization's admins, and the key itself (a partner app reads its own).
pub fn may_see_api_key(actor: &Actor, key_id: Uuid, org: Uuid) -> bool {
    let is_self = matches!(&actor.principal, Principal::ApiKey(k) if k.key_id == key_id);
    is_self || allows(actor, org, OrgAction::ManageApiKeys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{ApiKeyPrincipal, UserPrincipal};
    use entity::enums::OrgRole;

    fn key(key_id: Uuid, org: Uuid) -> Actor {
        Actor {
            principal: Principal::ApiKey(ApiKeyPrincipal {
                key_id,
                organization_id: org,
                role: OrgRole::Staff,
            }),
            request_id: None,
        }
    }

    #[test]
    fn an_api_key_sees_itself_but_not_its_sibling_keys() {
        let (org, own, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        assert!(may_see_api_key(&key(own, org), own, org));
        assert!(!may_see_api_key(&key(own, org), other, org));
    }

    #[test]
    fn an_admin_sees_the_organization_s_keys_and_staff_do_not() {
        let org = Uuid::now_v7();
        let member = |role| Actor {
            principal: Principal::User(UserPrincipal {
                user_id: Uuid::now_v7(),
                memberships: vec![(org, role)],
                coalition_roles: Vec::new(),
            }),
            request_id: None,
        };
        assert!(may_see_api_key(
            &member(OrgRole::Admin),
            Uuid::now_v7(),
            org
        ));
        assert!(!may_see_api_key(
            &member(OrgRole::Staff),
            Uuid::now_v7(),
            org
        ));
    }
}

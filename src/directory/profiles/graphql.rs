//! The mutation that replaces an organization's directory profile. Its fields
//! are read on `Organization` (see `crate::graphql::organization`).

use super::service::{self, ContactPatch, ProfilePatch};
use crate::directory::graphql::{ContactKind, ContactVisibility};
use crate::graphql::context::{actor, state};
use crate::graphql::organization::Organization;
use crate::ids;
use async_graphql::{Context, ID, InputObject, Object, Result};

/// A contact detail.
#[derive(InputObject)]
pub struct ContactInput {
    /// What it is.
    pub kind: ContactKind,
    /// The address or number.
    pub value: String,
    /// E.g. "Front desk".
    pub label: Option<String>,
    /// Who may see it.
    pub visibility: ContactVisibility,
}

/// A text of the organization in another language.
#[derive(InputObject)]
pub struct OrganizationTranslationInput {
    /// `name` or `description`.
    pub field: String,
    /// BCP 47 tag.
    pub locale: String,
    /// The text in that language.
    pub text: String,
}

/// An organization's profile; it replaces the previous one as a whole.
#[derive(InputObject)]
pub struct UpdateOrganizationProfileInput {
    /// The organization.
    pub organization_id: ID,
    /// What the organization does, in the default language.
    pub description: Option<String>,
    /// Language of the description (BCP 47), `en` when omitted.
    pub default_locale: Option<String>,
    /// Web site (`https://…`).
    pub website: Option<String>,
    /// Year founded.
    pub year_founded: Option<i32>,
    /// Languages spoken by staff (BCP 47).
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Neighborhoods served.
    #[graphql(default)]
    pub neighborhoods: Vec<String>,
    /// Contact details.
    #[graphql(default)]
    pub contacts: Vec<ContactInput>,
    /// Name and description in other languages.
    #[graphql(default)]
    pub translations: Vec<OrganizationTranslationInput>,
}

/// Mutations of organization profiles.
#[derive(Default)]
pub struct ProfilesMutation;

#[Object]
impl ProfilesMutation {
    /// Replaces an organization's directory profile (its admins and staff, its
    /// STAFF API keys, coordinators).
    async fn update_organization_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and its profile.")]
        input: UpdateOrganizationProfileInput,
    ) -> Result<Organization> {
        let org = ids::decode_as(
            &input.organization_id,
            "Organization",
            "input.organizationId",
        )?;
        let draft = ProfilePatch {
            description: input.description,
            default_locale: input.default_locale,
            website: input.website,
            year_founded: input.year_founded,
            languages: input.languages,
            neighborhoods: input.neighborhoods,
            contacts: input
                .contacts
                .into_iter()
                .map(|c| ContactPatch {
                    kind: c.kind.into(),
                    value: c.value,
                    label: c.label,
                    visibility: c.visibility.into(),
                })
                .collect(),
            translations: input
                .translations
                .into_iter()
                .map(|t| (t.field, t.locale, t.text))
                .collect(),
        };
        let db = &state(ctx)?.db;
        service::update_profile(db, actor(ctx)?, org, draft).await?;
        Ok(Organization(crate::accounts::organization(db, org).await?))
    }
}

//! Mutations of services: adding, replacing and verifying one. Each input
//! becomes a [`ServiceDraft`] for the one validator create and update share.

use super::types::{CostKind, LocationVisibility, Service, ServiceStatus};
use crate::directory::localize::PreferredLanguages;
use crate::directory::services::draft::{
    ExceptionDraft, HoursDraft, LocationDraft, ServiceDraft, TranslationDraft,
};
use crate::directory::services::{service, verification};
use crate::graphql::context::{actor, state};
use crate::graphql::scalars::Date;
use crate::ids;
use async_graphql::{Context, ID, InputObject, Object, Result};
use std::sync::Arc;

/// Regular hours on one weekday.
#[derive(InputObject)]
pub struct OpeningHoursInput {
    /// ISO weekday: 1 is Monday, 7 is Sunday.
    pub weekday: i32,
    /// `HH:MM`, local time.
    pub opens_at: String,
    /// `HH:MM`, local time, after `opensAt`.
    pub closes_at: String,
}

/// A date with different hours.
#[derive(InputObject)]
pub struct ScheduleExceptionInput {
    /// The date.
    pub date: Date,
    /// `HH:MM` when open that day; omit both times when closed all day.
    pub opens_at: Option<String>,
    /// `HH:MM` when open that day.
    pub closes_at: Option<String>,
    /// E.g. "Thanksgiving".
    pub note: Option<String>,
}

/// Where a service is delivered.
#[derive(InputObject)]
pub struct LocationInput {
    /// E.g. "Main branch".
    pub name: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state_province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code (e.g. `US`).
    pub country: Option<String>,
    /// Neighborhood.
    pub neighborhood: Option<String>,
    /// Latitude in degrees.
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    pub longitude: Option<f64>,
    /// Accessibility notes.
    pub accessibility: Option<String>,
    /// Delivered remotely or by phone.
    #[graphql(default)]
    pub remote: bool,
    /// How to reach the service here (required for confidential locations).
    pub contact_route: Option<String>,
    /// Who may see the address.
    pub visibility: LocationVisibility,
}

impl From<LocationInput> for LocationDraft {
    fn from(l: LocationInput) -> Self {
        LocationDraft {
            name: l.name,
            address: l.address,
            city: l.city,
            state_province: l.state_province,
            postal_code: l.postal_code,
            country: l.country,
            neighborhood: l.neighborhood,
            latitude: l.latitude,
            longitude: l.longitude,
            accessibility: l.accessibility,
            remote: l.remote,
            contact_route: l.contact_route,
            visibility: l.visibility.into(),
        }
    }
}

/// A text in another language.
#[derive(InputObject)]
pub struct TranslationInput {
    /// `name`, `description`, `eligibility` or `howToApply`.
    pub field: String,
    /// BCP 47 tag.
    pub locale: String,
    /// The text in that language.
    pub text: String,
}

/// A service's details; they replace the previous ones as a whole.
#[derive(InputObject)]
pub struct ServiceInput {
    /// Name in the default language (1 to 200 characters).
    pub name: String,
    /// What the service does, in the default language.
    pub description: String,
    /// Language of the texts above (BCP 47), `en` when omitted.
    pub default_locale: Option<String>,
    /// Whether it is offered (`ACTIVE` when omitted).
    pub status: Option<ServiceStatus>,
    /// Who can use it.
    pub eligibility: Option<String>,
    /// Youngest age served.
    pub minimum_age: Option<i32>,
    /// Oldest age served.
    pub maximum_age: Option<i32>,
    /// What it costs.
    pub cost: CostKind,
    /// Details of the cost.
    pub cost_description: Option<String>,
    /// How to apply.
    pub how_to_apply: Option<String>,
    /// Whether it takes referrals now.
    pub accepting_referrals: bool,
    /// Days to answer a referral (1 to 90, 14 when omitted).
    pub response_window_days: Option<i32>,
    /// Taxonomy codes.
    #[graphql(default)]
    pub categories: Vec<String>,
    /// Languages it is offered in (BCP 47).
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Weekly hours.
    #[graphql(default)]
    pub hours: Vec<OpeningHoursInput>,
    /// Holidays and special hours.
    #[graphql(default)]
    pub exceptions: Vec<ScheduleExceptionInput>,
    /// Where it is delivered.
    #[graphql(default)]
    pub locations: Vec<LocationInput>,
    /// Texts in other languages.
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
}

impl From<ServiceInput> for ServiceDraft {
    fn from(i: ServiceInput) -> Self {
        ServiceDraft {
            id: None,
            name: i.name,
            description: i.description,
            default_locale: i.default_locale.unwrap_or_else(|| "en".into()),
            status: i.status.unwrap_or(ServiceStatus::Active).into(),
            eligibility: i.eligibility,
            minimum_age: i.minimum_age,
            maximum_age: i.maximum_age,
            cost: i.cost.into(),
            cost_description: i.cost_description,
            how_to_apply: i.how_to_apply,
            accepting_referrals: i.accepting_referrals,
            response_window_days: i.response_window_days,
            categories: i.categories,
            languages: i.languages,
            hours: i
                .hours
                .into_iter()
                .map(|h| HoursDraft {
                    weekday: h.weekday,
                    opens_at: h.opens_at,
                    closes_at: h.closes_at,
                })
                .collect(),
            exceptions: i
                .exceptions
                .into_iter()
                .map(|e| ExceptionDraft {
                    date: e.date.into(),
                    opens_at: e.opens_at,
                    closes_at: e.closes_at,
                    note: e.note,
                })
                .collect(),
            locations: i.locations.into_iter().map(Into::into).collect(),
            translations: i
                .translations
                .into_iter()
                .map(|t| TranslationDraft {
                    field: t.field,
                    locale: t.locale,
                    text: t.text,
                })
                .collect(),
        }
    }
}

/// Adding a service.
#[derive(InputObject)]
pub struct CreateServiceInput {
    /// The organization that offers it.
    pub organization_id: ID,
    /// Its details.
    pub service: ServiceInput,
}

/// Replacing a service's details.
#[derive(InputObject)]
pub struct UpdateServiceInput {
    /// The service.
    pub service_id: ID,
    /// Its new details.
    pub service: ServiceInput,
}

/// Confirming a service's entry is still accurate.
#[derive(InputObject)]
pub struct VerifyServiceInput {
    /// The service.
    pub service_id: ID,
}

/// Mutations of services.
#[derive(Default)]
pub struct ServicesMutation;

#[Object]
impl ServicesMutation {
    /// Adds a service (the organization's admins and staff, its STAFF API keys, coordinators).
    async fn create_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the service's details.")] input: CreateServiceInput,
    ) -> Result<Service> {
        let org = ids::decode_as(
            &input.organization_id,
            "Organization",
            "input.organizationId",
        )?;
        let created =
            service::create_service(&state(ctx)?.db, actor(ctx)?, org, input.service.into())
                .await
                .map_err(|e| e.nested("input.service"))?;
        Ok(Service::new(
            created,
            Arc::new(PreferredLanguages::default()),
        ))
    }

    /// Replaces a service's details as a whole (same rights as creating).
    /// Editing does not count as confirming the entry: use `verifyService`.
    async fn update_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The service and its new details.")] input: UpdateServiceInput,
    ) -> Result<Service> {
        let id = ids::decode_as(&input.service_id, "Service", "input.serviceId")?;
        let updated =
            service::update_service(&state(ctx)?.db, actor(ctx)?, id, input.service.into())
                .await
                .map_err(|e| e.nested("input.service"))?;
        Ok(Service::new(
            updated,
            Arc::new(PreferredLanguages::default()),
        ))
    }

    /// Confirms that a service's entry is still accurate, in one step.
    async fn verify_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The service.")] input: VerifyServiceInput,
    ) -> Result<Service> {
        let id = ids::decode_as(&input.service_id, "Service", "input.serviceId")?;
        let verified = verification::verify_service(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(Service::new(
            verified,
            Arc::new(PreferredLanguages::default()),
        ))
    }
}

//! The object types and enums of services: a service as the viewer may see
//! it, its hours and locations, and the priming of what a page of them reads.

use crate::directory::graphql::{LocalizedText, localized, preferred};
use crate::directory::localize::PreferredLanguages;
use crate::directory::taxonomy::graphql::TaxonomyTerm;
use crate::error::AppError;
use crate::graphql::connection::selects;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::prime;
use crate::graphql::organization::{Organization, load_organization};
use crate::graphql::scalars::Date;
use crate::policy::{self, LocationView};
use crate::{connection, ids, mirror_enum};
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Datelike, Utc};
use entity::{location, service as service_entity};
use std::sync::Arc;

mirror_enum! {
    /// Whether a service is offered (HSDS `status`).
    ServiceStatus mirrors entity::enums::ServiceStatus {
        /// Offered now.
        Active,
        /// Not offered at the moment.
        Inactive,
        /// Closed for a while (renovation, staffing...).
        TemporarilyClosed,
        /// No longer offered.
        Defunct,
    }
}

mirror_enum! {
    /// What a service costs.
    CostKind mirrors entity::enums::CostKind {
        /// No cost.
        Free,
        /// A fee that depends on income.
        SlidingScale,
        /// A fee (see the cost description).
        Fee,
    }
}

mirror_enum! {
    /// Who may see a location's address.
    LocationVisibility mirrors entity::enums::LocationVisibility {
        /// Everyone.
        Public,
        /// Members of the coalition; hidden from the public.
        Coalition,
        /// Nobody: only the contact route is shown (shelters for survivors of violence).
        Confidential,
    }
}

connection!(ServiceConnection, ServiceEdge, Service, "services");

/// A service an organization offers, as the viewer may see it.
pub struct Service {
    row: service_entity::Model,
    languages: Arc<PreferredLanguages>,
}

impl Service {
    /// A service read in the given languages.
    pub fn new(row: service_entity::Model, languages: Arc<PreferredLanguages>) -> Self {
        Service { row, languages }
    }

    async fn text(
        &self,
        ctx: &Context<'_>,
        field: &str,
        value: Option<&str>,
        locale: Option<String>,
    ) -> Result<Option<LocalizedText>> {
        let languages = preferred(ctx, locale, &self.languages);
        localized(
            ctx,
            self.row.id,
            field,
            (&self.row.default_locale, value),
            &languages,
        )
        .await
    }
}

/// A service an organization offers (HSDS `service`), as the viewer may see it.
#[Object]
impl Service {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Service", self.row.id)
    }
    /// Name, in the best available language.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Preferred language (BCP 47); defaults to the query's or Accept-Language."
        )]
        locale: Option<String>,
    ) -> Result<LocalizedText> {
        let text = self.text(ctx, "name", Some(&self.row.name), locale).await?;
        text.ok_or_else(|| AppError::Internal("service without a name".into()).into())
    }
    /// What the service does, in the best available language.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Preferred language (BCP 47); defaults to the query's or Accept-Language."
        )]
        locale: Option<String>,
    ) -> Result<LocalizedText> {
        let text = self
            .text(ctx, "description", Some(&self.row.description), locale)
            .await?;
        text.ok_or_else(|| AppError::Internal("service without a description".into()).into())
    }
    /// Who can use the service, in the best available language.
    async fn eligibility(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Preferred language (BCP 47); defaults to the query's or Accept-Language."
        )]
        locale: Option<String>,
    ) -> Result<Option<LocalizedText>> {
        self.text(ctx, "eligibility", self.row.eligibility.as_deref(), locale)
            .await
    }
    /// How to apply, in the best available language.
    async fn how_to_apply(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Preferred language (BCP 47); defaults to the query's or Accept-Language."
        )]
        locale: Option<String>,
    ) -> Result<Option<LocalizedText>> {
        self.text(ctx, "howToApply", self.row.how_to_apply.as_deref(), locale)
            .await
    }
    /// Language the service's own texts are written in.
    async fn default_locale(&self) -> &str {
        &self.row.default_locale
    }
    /// Whether it is offered.
    async fn status(&self) -> ServiceStatus {
        self.row.status.into()
    }
    /// The organization that offers it.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        load_organization(ctx, self.row.organization_id).await
    }
    /// Taxonomy terms the service is filed under.
    async fn categories(&self, ctx: &Context<'_>) -> Result<Vec<TaxonomyTerm>> {
        let loaders = loaders(ctx)?;
        let links = loaders
            .directory
            .categories
            .load_one(self.row.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_default();
        let terms = loaders
            .directory
            .terms
            .load_many(links.iter().map(|l| l.term_id))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut found: Vec<TaxonomyTerm> = terms.into_values().map(TaxonomyTerm).collect();
        found.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        Ok(found)
    }
    /// Languages the service is offered in (BCP 47 tags).
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let rows = loaders(ctx)?
            .directory
            .languages
            .load_one(self.row.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_default();
        let mut tags: Vec<String> = rows.into_iter().map(|l| l.tag).collect();
        tags.sort();
        Ok(tags)
    }
    /// Youngest age served, if limited.
    async fn minimum_age(&self) -> Option<i32> {
        self.row.minimum_age
    }
    /// Oldest age served, if limited.
    async fn maximum_age(&self) -> Option<i32> {
        self.row.maximum_age
    }
    /// What the service costs.
    async fn cost(&self) -> CostKind {
        self.row.cost.into()
    }
    /// Details of the cost.
    async fn cost_description(&self) -> Option<&str> {
        self.row.cost_description.as_deref()
    }
    /// Whether the service takes referrals now.
    async fn accepting_referrals(&self) -> bool {
        self.row.accepting_referrals
    }
    /// Days a receiving organization has to answer a referral to this service.
    async fn response_window_days(&self) -> i32 {
        self.row.response_window_days
    }
    /// Regular weekly hours, in the coalition's time zone.
    async fn hours(&self, ctx: &Context<'_>) -> Result<Vec<OpeningHours>> {
        let mut rows = loaders(ctx)?
            .directory
            .hours
            .load_one(self.row.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_default();
        rows.sort_by(|a, b| (a.weekday, &a.opens_at).cmp(&(b.weekday, &b.opens_at)));
        Ok(rows
            .into_iter()
            .map(|h| OpeningHours {
                weekday: h.weekday,
                opens_at: h.opens_at,
                closes_at: h.closes_at,
            })
            .collect())
    }
    /// Holidays and special hours, from today on.
    async fn exceptions(&self, ctx: &Context<'_>) -> Result<Vec<ScheduleException>> {
        let today = Utc::now()
            .with_timezone(&state(ctx)?.time_zone)
            .date_naive();
        let mut rows = loaders(ctx)?
            .directory
            .exceptions
            .load_one(self.row.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_default();
        rows.retain(|e| e.date >= today);
        rows.sort_by_key(|e| e.date);
        Ok(rows
            .into_iter()
            .map(|e| ScheduleException {
                date: e.date.into(),
                closed: e.opens_at.is_none(),
                opens_at: e.opens_at,
                closes_at: e.closes_at,
                note: e.note,
            })
            .collect())
    }
    /// Whether the service is open at this instant (now when omitted), holidays and special hours applied.
    async fn open_at(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The instant; now when omitted.")] at: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        let local = at
            .unwrap_or_else(Utc::now)
            .with_timezone(&state(ctx)?.time_zone);
        let date = local.date_naive();
        let time = crate::directory::domain::ClockTime::of(local.time()).stored();
        let loaders = loaders(ctx)?;
        let exceptions = loaders
            .directory
            .exceptions
            .load_one(self.row.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_default();
        let inside = |opens: &str, closes: &str| opens <= time.as_str() && time.as_str() < closes;
        if let Some(exception) = exceptions.iter().find(|e| e.date == date) {
            return Ok(match (&exception.opens_at, &exception.closes_at) {
                (Some(o), Some(c)) => inside(o, c),
                _ => false,
            });
        }
        let hours = loaders
            .directory
            .hours
            .load_one(self.row.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_default();
        let weekday = local.weekday().number_from_monday() as i32;
        Ok(hours
            .iter()
            .any(|h| h.weekday == weekday && inside(&h.opens_at, &h.closes_at)))
    }
    /// Where the service is delivered, as far as the viewer may see: members-only
    /// locations are absent for the public and confidential ones show only their contact route.
    async fn locations(&self, ctx: &Context<'_>) -> Result<Vec<Location>> {
        let actor = actor(ctx)?;
        let rows = loaders(ctx)?
            .directory
            .locations
            .load_one(self.row.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .filter_map(|l| {
                let view = policy::location_view(actor, l.visibility);
                Location::as_seen(l, view)
            })
            .collect())
    }
    /// When the entry was last confirmed accurate (an edit is not a confirmation).
    async fn last_verified_at(&self) -> Option<DateTime<Utc>> {
        self.row.last_verified_at
    }
    /// Who last confirmed the entry (members of the coalition only).
    async fn last_verified_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        if !policy::may_see_service_verifier(actor(ctx)?) {
            return Ok(None);
        }
        let Some(user) = self.row.last_verified_by else {
            return Ok(None);
        };
        let found = loaders(ctx)?
            .accounts
            .users
            .load_one(user)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(found.map(|u| u.display_name))
    }
    /// When the entry was last edited.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
    /// When the entry was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

/// Regular hours on one weekday.
#[derive(SimpleObject)]
pub struct OpeningHours {
    /// ISO weekday: 1 is Monday, 7 is Sunday.
    pub weekday: i32,
    /// `HH:MM`, local time.
    pub opens_at: String,
    /// `HH:MM`, local time.
    pub closes_at: String,
}

/// A date whose hours differ from the weekly schedule.
#[derive(SimpleObject)]
pub struct ScheduleException {
    /// The date.
    pub date: Date,
    /// Closed all day.
    pub closed: bool,
    /// `HH:MM` when open that day.
    pub opens_at: Option<String>,
    /// `HH:MM` when open that day.
    pub closes_at: Option<String>,
    /// E.g. "Thanksgiving".
    pub note: Option<String>,
}

/// Where a service is delivered. Fields the viewer may not see are null.
#[derive(SimpleObject)]
pub struct Location {
    /// E.g. "Main branch".
    pub name: Option<String>,
    /// Street address (never shown for confidential locations).
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state_province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
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
    pub remote: bool,
    /// How to reach the service here.
    pub contact_route: Option<String>,
    /// Who may see the address.
    pub visibility: LocationVisibility,
}

impl Location {
    /// The location as `view` allows, or nothing.
    pub fn as_seen(l: location::Model, view: LocationView) -> Option<Self> {
        match view {
            LocationView::Hidden => None,
            LocationView::ContactOnly => Some(Location {
                name: None,
                address: None,
                city: None,
                state_province: None,
                postal_code: None,
                country: None,
                neighborhood: None,
                latitude: None,
                longitude: None,
                accessibility: None,
                remote: l.remote,
                contact_route: l.contact_route,
                visibility: l.visibility.into(),
            }),
            LocationView::Full => Some(Location {
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
            }),
        }
    }
}

/// Loads what the page's services will need in one query per kind, so the
/// statement count does not depend on the page size.
pub async fn prime_services(ctx: &Context<'_>, rows: &[service_entity::Model]) -> Result<()> {
    let loaders = loaders(ctx)?;
    let ids: Vec<_> = rows.iter().map(|s| s.id).collect();
    let wants = |field: &str| selects(ctx, field);
    if wants("organization") {
        prime(
            &loaders.accounts.organizations,
            rows.iter().map(|s| s.organization_id),
        )
        .await?;
    }
    if wants("locations") {
        prime(&loaders.directory.locations, ids.iter().copied()).await?;
    }
    if wants("languages") {
        prime(&loaders.directory.languages, ids.iter().copied()).await?;
    }
    if wants("categories") {
        prime(&loaders.directory.categories, ids.iter().copied()).await?;
        let mut terms = Vec::new();
        for links in loaders
            .directory
            .categories
            .load_many(ids.iter().copied())
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .into_values()
        {
            terms.extend(links.into_iter().map(|l| l.term_id));
        }
        prime(&loaders.directory.terms, terms).await?;
    }
    if wants("hours") || wants("openAt") {
        prime(&loaders.directory.hours, ids.iter().copied()).await?;
    }
    if wants("exceptions") || wants("openAt") {
        prime(&loaders.directory.exceptions, ids.iter().copied()).await?;
    }
    if ["name", "description", "eligibility", "howToApply"]
        .iter()
        .any(|f| wants(f))
    {
        prime(&loaders.directory.translations, ids.iter().copied()).await?;
    }
    Ok(())
}

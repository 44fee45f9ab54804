//! GraphQL types, queries and mutations of services.

use super::search::{self, Near, SearchPageRequest, ServiceFilter};
use super::service::{
    self, ExceptionDraft, HoursDraft, LocationDraft, ServiceDraft, TranslationDraft,
};
use crate::accounts::graphql::OrganizationKind;
use crate::directory::graphql::{LocalizedText, localized, preferred};
use crate::directory::localize::PreferredLanguages;
use crate::directory::taxonomy::graphql::TaxonomyTerm;
use crate::error::AppError;
use crate::graphql::connection::selects;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::prime;
use crate::graphql::organization::{Organization, load_organization};
use crate::pagination::{PageRequest, complexity};
use crate::policy::{self, LocationView};
use crate::{connection, ids, mirror_enum};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
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
                date: e.date,
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
        if !policy::is_coalition_member(actor(ctx)?) {
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
    pub date: NaiveDate,
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

/// A page of search results, best first.
pub struct ServiceSearchConnection {
    edges: Vec<ServiceSearchEdge>,
    page_info: async_graphql::connection::PageInfo,
    total_count: u64,
}

/// A page of search results, best first.
#[Object]
impl ServiceSearchConnection {
    /// The results of this page, with cursors, rank and distance.
    async fn edges(&self) -> &[ServiceSearchEdge] {
        &self.edges
    }
    /// The services of this page.
    async fn nodes(&self) -> Vec<&Service> {
        self.edges.iter().map(|e| &e.node).collect()
    }
    /// Where this page lies.
    async fn page_info(&self) -> &async_graphql::connection::PageInfo {
        &self.page_info
    }
    /// How many services match.
    async fn total_count(&self) -> u64 {
        self.total_count
    }
}

/// One search result.
pub struct ServiceSearchEdge {
    cursor: String,
    node: Service,
    rank: f64,
    distance_km: Option<f64>,
}

/// One search result.
#[Object]
impl ServiceSearchEdge {
    /// Opaque position: pass it as `after` or `before`.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The service.
    async fn node(&self) -> &Service {
        &self.node
    }
    /// Relevance to the words searched (higher is better; 0 without words).
    async fn rank(&self) -> f64 {
        self.rank
    }
    /// Kilometres to the nearest location the viewer may see, when searching near a point.
    async fn distance_km(&self) -> Option<f64> {
        self.distance_km
    }
}

/// A point and a radius to search around.
#[derive(InputObject)]
pub struct NearInput {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// Radius in kilometres (at most 500).
    pub radius_km: f64,
}

/// What to look for; every part given must hold.
#[derive(InputObject, Default)]
pub struct ServiceFilterInput {
    /// Words to find in service and organization names and descriptions (any language).
    pub text: Option<String>,
    /// Taxonomy codes; services filed under narrower terms match too.
    #[graphql(default)]
    pub categories: Vec<String>,
    /// Languages (BCP 47); a service offered in any of them matches.
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Neighborhood of a location.
    pub neighborhood: Option<String>,
    /// Within a radius of a point; results are ordered by distance.
    pub near: Option<NearInput>,
    /// Any of these costs.
    #[graphql(default)]
    pub costs: Vec<CostKind>,
    /// Serves a person of this age.
    pub age: Option<i32>,
    /// Takes referrals now (true) or not (false).
    pub accepting_referrals: Option<bool>,
    /// Open right now.
    #[graphql(default)]
    pub open_now: bool,
    /// Open at this instant.
    pub open_at: Option<DateTime<Utc>>,
    /// Offered by organizations of any of these kinds.
    #[graphql(default)]
    pub organization_kinds: Vec<OrganizationKind>,
    /// Offered by this organization.
    pub organization_id: Option<ID>,
    /// Any of these statuses (members of the coalition; the public sees active services only).
    #[graphql(default)]
    pub statuses: Vec<ServiceStatus>,
}

impl ServiceFilterInput {
    fn parse(self) -> Result<ServiceFilter, AppError> {
        Ok(ServiceFilter {
            text: self.text,
            categories: self.categories,
            languages: self.languages,
            neighborhood: self.neighborhood,
            near: self.near.map(|n| Near {
                latitude: n.latitude,
                longitude: n.longitude,
                radius_km: n.radius_km,
            }),
            costs: self.costs.into_iter().map(Into::into).collect(),
            age: self.age,
            accepting_referrals: self.accepting_referrals,
            open_at: self.open_at.or(self.open_now.then(Utc::now)),
            organization_kinds: self
                .organization_kinds
                .into_iter()
                .map(Into::into)
                .collect(),
            organization_id: self
                .organization_id
                .map(|id| ids::decode_as(&id, "Organization", "filter.organizationId"))
                .transpose()?,
            statuses: self.statuses.into_iter().map(Into::into).collect(),
        })
    }
}

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
    pub date: NaiveDate,
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
                    date: e.date,
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

/// Queries of services.
#[derive(Default)]
pub struct ServicesQuery;

#[Object]
impl ServicesQuery {
    /// Finds services: ranked by relevance when `filter.text` is given, by
    /// distance with `filter.near`, else in the order they were added. The
    /// public sees active services and public locations only.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn services(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for.")] filter: Option<ServiceFilterInput>,
        #[graphql(desc = "Language to answer in (BCP 47); defaults to Accept-Language.")]
        locale: Option<String>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<ServiceSearchConnection> {
        let state = state(ctx)?;
        let filter = filter.unwrap_or_default().parse()?;
        let request = SearchPageRequest::new(first, after, last, before)?;
        let found =
            search::search(&state.db, actor(ctx)?, &filter, state.time_zone, &request).await?;
        let rows: Vec<_> = found.hits.iter().map(|(_, h)| h.service.clone()).collect();
        prime_services(ctx, &rows).await?;
        let languages = Arc::new(preferred(ctx, locale, &PreferredLanguages::default()));
        let edges: Vec<ServiceSearchEdge> = found
            .hits
            .into_iter()
            .map(|(cursor, hit)| ServiceSearchEdge {
                cursor,
                node: Service::new(hit.service, languages.clone()),
                rank: hit.rank,
                distance_km: hit.distance_km,
            })
            .collect();
        Ok(ServiceSearchConnection {
            page_info: async_graphql::connection::PageInfo {
                has_previous_page: found.has_previous_page,
                has_next_page: found.has_next_page,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
            total_count: found.total_count,
        })
    }

    /// Services whose entries nobody confirmed for `days` days (coordinators).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn unverified_services(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Days without confirmation.")] days: i32,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<ServiceConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            service::unverified_services(&state(ctx)?.db, actor(ctx)?, i64::from(days), &request)
                .await?;
        prime_services(ctx, &found.items).await?;
        let languages = Arc::new(PreferredLanguages::default());
        Ok(ServiceConnection::from_page(found, |row| {
            Service::new(row, languages.clone())
        }))
    }
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
        let verified = service::verify_service(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(Service::new(
            verified,
            Arc::new(PreferredLanguages::default()),
        ))
    }
}

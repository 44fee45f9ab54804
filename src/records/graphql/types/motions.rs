//! Motions, roll calls and votes.

use super::{
    AgendaItem, Meeting, MotionResult, VoteChoice, VotingRule, internal, load_meeting, load_motion,
    load_person, motions_of,
};
use crate::directory::people::graphql::Person;
use crate::error::AppResult;
use crate::graphql::context::loaders;
use crate::graphql::loaders::list_of;
use crate::ids;
use crate::policy::RecordsAccess;
use crate::records::motions::{self, Tally};
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{motion, vote};

/// A motion made on an agenda item, or an amendment of another motion.
pub struct Motion {
    pub(super) row: motion::Model,
    pub(super) access: RecordsAccess,
}

impl Motion {
    /// The motion as seen with `access` to its body's records.
    pub fn new(row: motion::Model, access: RecordsAccess) -> Self {
        Motion { row, access }
    }

    async fn vote_rows(&self, ctx: &Context<'_>) -> AppResult<Vec<vote::Model>> {
        let mut rows = list_of(&loaders(ctx)?.records.votes, self.row.id).await?;
        rows.sort_by_key(|v| (v.created_at, v.id));
        Ok(rows)
    }
}

/// A motion made on an agenda item, or an amendment of another motion.
#[Object]
impl Motion {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Motion", self.row.id)
    }
    /// The meeting it was made at.
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Meeting> {
        load_meeting(ctx, self.row.meeting_id, self.access).await
    }
    /// The agenda item it was made on.
    async fn agenda_item(&self, ctx: &Context<'_>) -> Result<AgendaItem> {
        let rows = list_of(&loaders(ctx)?.records.agenda_items, self.row.meeting_id).await?;
        let row = rows
            .into_iter()
            .find(|i| i.id == self.row.agenda_item_id)
            .ok_or_else(|| internal("motion without agenda item"))?;
        Ok(AgendaItem::new(row, self.access))
    }
    /// The motion this one amends (null for a main motion).
    async fn amends(&self, ctx: &Context<'_>) -> Result<Option<Motion>> {
        match self.row.amends_motion_id {
            Some(id) => Ok(Some(load_motion(ctx, id, self.access).await?)),
            None => Ok(None),
        }
    }
    /// Amendments of this motion, in the order made; they are voted first.
    async fn amendments(&self, ctx: &Context<'_>) -> Result<Vec<Motion>> {
        let amended = Some(self.row.id);
        Ok(motions_of(ctx, self.row.meeting_id, self.access, |m| {
            m.amends_motion_id == amended
        })
        .await?)
    }
    /// What is moved.
    async fn text(&self) -> &str {
        &self.row.text
    }
    /// Who moved it.
    async fn mover(&self, ctx: &Context<'_>) -> Result<Person> {
        load_person(ctx, self.row.mover_person_id).await
    }
    /// Who seconded it (null until seconded).
    async fn seconder(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.row.seconder_person_id {
            Some(id) => Ok(Some(load_person(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// What it takes to pass.
    async fn voting_rule(&self) -> VotingRule {
        self.row.voting_rule.into()
    }
    /// The body's voting seats when the motion was made (what a majority of seats counts from).
    async fn seats(&self) -> i32 {
        self.row.seats_at_motion
    }
    /// What became of it, computed from its votes under its rule.
    async fn result(&self, ctx: &Context<'_>) -> Result<MotionResult> {
        let votes = self.vote_rows(ctx).await?;
        Ok(motions::result(&self.row, &Tally::of(&votes)).into())
    }
    /// The counts of its roll call.
    async fn tally(&self, ctx: &Context<'_>) -> Result<VoteTally> {
        let t = Tally::of(&self.vote_rows(ctx).await?);
        Ok(VoteTally {
            yes: t.yes,
            no: t.no,
            abstain: t.abstain,
            recused: t.recused,
        })
    }
    /// Each member's vote, in the order called.
    async fn votes(&self, ctx: &Context<'_>) -> Result<Vec<Vote>> {
        Ok(self
            .vote_rows(ctx)
            .await?
            .into_iter()
            .map(|row| Vote::new(row, self.access))
            .collect())
    }
    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

/// The counts of a roll call.
#[derive(SimpleObject)]
pub struct VoteTally {
    /// Votes for.
    yes: i32,
    /// Votes against.
    no: i32,
    /// Members present who did not vote.
    abstain: i32,
    /// Members who stepped aside.
    recused: i32,
}

/// One member's vote in a roll call.
pub struct Vote {
    pub(super) row: vote::Model,
    pub(super) access: RecordsAccess,
}

impl Vote {
    /// The vote as seen with `access` to its body's records.
    pub fn new(row: vote::Model, access: RecordsAccess) -> Self {
        Vote { row, access }
    }
}

/// One member's vote in a roll call.
#[Object]
impl Vote {
    /// The member.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        load_person(ctx, self.row.person_id).await
    }
    /// Their answer.
    async fn choice(&self) -> VoteChoice {
        self.row.choice.into()
    }
    /// The motion.
    async fn motion(&self, ctx: &Context<'_>) -> Result<Motion> {
        load_motion(ctx, self.row.motion_id, self.access).await
    }
    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

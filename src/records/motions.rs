//! Motions, amendments and roll-call votes. A motion is made on an action
//! item of a published agenda, by a seat holder taking part, and seconded by
//! another; amendments are motions on a motion and are decided first. A
//! roll call records seat holders taking part, each once, and only while a
//! quorum (not counting those recused) is there. The result is computed from
//! the votes under the motion's rule, never typed in.

use super::access::{self, MeetingAccess};
use super::attendance::{majority_of, quorum, records_of, seated_at_meeting};
use super::domain::local_date;
use super::meetings::{ensure_in_session, event};
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::now;
use crate::domain::required_text;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy;
use entity::agenda_item::{self, AgendaItemKind};
use entity::attendance_record;
use entity::body_membership;
use entity::motion::{self, Disposition, VotingRule};
use entity::vote::{self, VoteChoice};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The counts of a roll call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Votes for.
    pub yes: i32,
    /// Votes against.
    pub no: i32,
    /// Members present who chose not to vote.
    pub abstain: i32,
    /// Members who stepped aside for a conflict of interest.
    pub recused: i32,
}

impl Tally {
    /// Counts the votes given.
    pub fn of<'a>(votes: impl IntoIterator<Item = &'a vote::Model>) -> Self {
        let mut tally = Tally::default();
        for v in votes {
            match v.choice {
                VoteChoice::Yes => tally.yes += 1,
                VoteChoice::No => tally.no += 1,
                VoteChoice::Abstain => tally.abstain += 1,
                VoteChoice::Recused => tally.recused += 1,
            }
        }
        tally
    }

    /// Votes cast: yes and no (abstentions and recusals are not votes).
    pub fn cast(&self) -> i32 {
        self.yes + self.no
    }

    /// Whether any vote was recorded at all.
    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }
}

/// What became of a motion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MotionResult {
    /// Not voted on yet.
    Pending,
    /// Carried under its voting rule.
    Passed,
    /// Did not carry.
    Failed,
    /// Laid on the table without a vote.
    Tabled,
    /// Withdrawn by its mover before a vote.
    Withdrawn,
}

/// Whether the `yes` votes carry a motion under `rule` for a body of `seats`:
/// - a majority of votes cast: more yes than no;
/// - a majority of seats: yes from more than half the voting seats, filled
///   or not;
/// - two thirds: at least two thirds of the votes cast, and at least one.
pub fn carries(rule: VotingRule, seats: i32, tally: &Tally) -> bool {
    match rule {
        VotingRule::MajorityOfVotesCast => tally.yes > tally.no,
        VotingRule::MajorityOfSeats => tally.yes >= majority_of(seats),
        VotingRule::TwoThirds => tally.yes > 0 && 3 * tally.yes >= 2 * tally.cast(),
    }
}

/// The result of a motion given its votes.
pub fn result(m: &motion::Model, tally: &Tally) -> MotionResult {
    match m.disposition {
        Some(Disposition::Tabled) => MotionResult::Tabled,
        Some(Disposition::Withdrawn) => MotionResult::Withdrawn,
        None if tally.is_empty() => MotionResult::Pending,
        None if carries(m.voting_rule, m.seats_at_motion, tally) => MotionResult::Passed,
        None => MotionResult::Failed,
    }
}

/// The votes of each of `motion_ids`, in the order recorded.
#[tracing::instrument(skip_all)]
pub async fn votes_of(
    db: &impl ConnectionTrait,
    motion_ids: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, Vec<vote::Model>>> {
    let mut grouped: HashMap<Uuid, Vec<vote::Model>> = HashMap::new();
    for v in vote::Entity::find()
        .filter(vote::Column::MotionId.is_in(motion_ids))
        .order_by_asc(vote::Column::CreatedAt)
        .order_by_asc(vote::Column::Id)
        .all(db)
        .await?
    {
        grouped.entry(v.motion_id).or_default().push(v);
    }
    Ok(grouped)
}

/// The result of one motion, reading its votes.
#[tracing::instrument(skip_all)]
pub async fn result_of(db: &impl ConnectionTrait, m: &motion::Model) -> AppResult<MotionResult> {
    let votes = votes_of(db, [m.id])
        .await?
        .remove(&m.id)
        .unwrap_or_default();
    Ok(result(m, &Tally::of(&votes)))
}

/// Who sits on the body on the meeting's date with a voting seat and took
/// part in the meeting, by person.
struct Floor {
    seated: Vec<body_membership::Model>,
    records: Vec<attendance_record::Model>,
}

impl Floor {
    async fn of(db: &impl ConnectionTrait, found: &MeetingAccess) -> AppResult<Self> {
        Ok(Floor {
            seated: seated_at_meeting(db, &found.meeting).await?,
            records: records_of(db, found.meeting.id).await?,
        })
    }

    /// The seat of `person` if they may act on the floor (move, second,
    /// vote); else why not, as an input error on `field`.
    fn voter(
        &self,
        found: &MeetingAccess,
        person: Uuid,
        field: &str,
    ) -> AppResult<&body_membership::Model> {
        let date = local_date(found.meeting.starts_at, &found.meeting.time_zone);
        let Some(seat) = self
            .seated
            .iter()
            .find(|m| m.person_id == person && m.post.holds_seat())
        else {
            return Err(AppError::bad_input(
                field,
                format!(
                    "is not a voting member of {} on {date}",
                    found.body.body.name
                ),
            ));
        };
        let took_part = self
            .records
            .iter()
            .any(|r| r.person_id == Some(person) && r.status.took_part());
        if !took_part {
            return Err(AppError::bad_input(
                field,
                "is not recorded as present at this meeting",
            ));
        }
        Ok(seat)
    }

    /// Like [`Floor::voter`], for who seconds a motion `mover` made.
    fn seconder(
        &self,
        found: &MeetingAccess,
        mover: Uuid,
        person: Uuid,
        field: &str,
    ) -> AppResult<&body_membership::Model> {
        if person == mover {
            return Err(AppError::bad_input(
                field,
                "the mover cannot second their own motion",
            ));
        }
        self.voter(found, person, field)
    }
}

/// A motion as the clerk records it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NewMotion {
    /// The agenda item it is made on.
    pub agenda_item_id: Uuid,
    /// The motion it amends, for an amendment.
    pub amends_motion_id: Option<Uuid>,
    /// What is moved.
    pub text: String,
    /// Who moved it.
    pub mover_id: Uuid,
    /// Who seconded it, if someone did at once.
    pub seconder_id: Option<Uuid>,
    /// What it takes to pass.
    pub voting_rule: VotingRule,
}

async fn motion_to_change(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    motion_id: Uuid,
) -> AppResult<(motion::Model, MeetingAccess)> {
    let (m, found) = access::record_to_change::<motion::Entity>(txn, actor, motion_id).await?;
    ensure_in_session(txn, &found.meeting).await?;
    Ok((m, found))
}

/// Records a motion (or an amendment) made at a meeting.
#[tracing::instrument(skip_all)]
pub async fn make(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewMotion,
    key: Option<&str>,
) -> AppResult<motion::Model> {
    let text = required_text(&input.text, "input.text", 10_000)?;
    let key = IdempotencyKey::parse(key, "input.idempotencyKey", "motion.make", &input)?;
    let change = Change::begin_keyed(db, actor, key).await?;
    let (item, found) =
        access::record_to_change::<agenda_item::Entity>(change.txn(), actor, input.agenda_item_id)
            .await?;
    if let Some(done) = change.replayed::<motion::Entity>().await? {
        return Ok(done);
    }
    ensure_in_session(change.txn(), &found.meeting).await?;
    if found.meeting.agenda_published_at.is_none() {
        return Err(AppError::Conflict(
            "the agenda is not published: the body may act only on a published agenda".into(),
        ));
    }
    if item.kind != AgendaItemKind::Action {
        return Err(AppError::bad_input(
            "input.agendaItemId",
            "motions are made on action items; this item is not one",
        ));
    }
    if let Some(parent_id) = input.amends_motion_id {
        let parent = motion::Entity::find_by_id(parent_id)
            .one(change.txn())
            .await?
            .filter(|p| p.agenda_item_id == item.id)
            .ok_or_else(|| {
                AppError::bad_input(
                    "input.amendsMotionId",
                    "is not a motion on this agenda item",
                )
            })?;
        if result_of(change.txn(), &parent).await? != MotionResult::Pending {
            return Err(AppError::Conflict(
                "the motion is no longer pending: it cannot be amended".into(),
            ));
        }
    }
    let floor = Floor::of(change.txn(), &found).await?;
    floor.voter(&found, input.mover_id, "input.moverId")?;
    if let Some(seconder) = input.seconder_id {
        floor.seconder(&found, input.mover_id, seconder, "input.seconderId")?;
    }
    let at = now();
    let created = motion::ActiveModel {
        id: Set(new_id()),
        meeting_id: Set(found.meeting.id),
        agenda_item_id: Set(item.id),
        amends_motion_id: Set(input.amends_motion_id),
        text: Set(text),
        mover_person_id: Set(input.mover_id),
        seconder_person_id: Set(input.seconder_id),
        voting_rule: Set(input.voting_rule),
        seats_at_motion: Set(found.body.body.seats),
        disposition: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(change.txn())
    .await?;
    change.commit(event(
            &found.body,
            "motion.made",
            "Motion",
            created.id,
            json!({ "meeting": created.meeting_id, "amends": created.amends_motion_id, "rule": created.voting_rule }),
        ), created).await
}

/// Records who seconded a motion made without a second.
#[tracing::instrument(skip_all, fields(motion_id = %motion_id, seconder_id = %seconder_id))]
pub async fn second(
    db: &DatabaseConnection,
    actor: &Actor,
    motion_id: Uuid,
    seconder_id: Uuid,
) -> AppResult<motion::Model> {
    let change = Change::begin(db, actor).await?;
    let (m, found) = motion_to_change(change.txn(), actor, motion_id).await?;
    if m.seconder_person_id.is_some() {
        return Err(AppError::Conflict("the motion is already seconded".into()));
    }
    if result_of(change.txn(), &m).await? != MotionResult::Pending {
        return Err(AppError::Conflict("the motion is no longer pending".into()));
    }
    Floor::of(change.txn(), &found).await?.seconder(
        &found,
        m.mover_person_id,
        seconder_id,
        "input.seconderId",
    )?;
    let mut row = m.into_active_model();
    row.seconder_person_id = Set(Some(seconder_id));
    row.updated_at = Set(now());
    let updated = row.update(change.txn()).await?;
    change
        .commit(
            event(
                &found.body,
                "motion.seconded",
                "Motion",
                updated.id,
                json!({ "seconder": seconder_id }),
            ),
            updated,
        )
        .await
}

/// Tables or withdraws a pending motion (before any vote on it).
#[tracing::instrument(skip_all, fields(motion_id = %motion_id))]
pub async fn dispose(
    db: &DatabaseConnection,
    actor: &Actor,
    motion_id: Uuid,
    disposition: Disposition,
) -> AppResult<motion::Model> {
    let change = Change::begin(db, actor).await?;
    let (m, found) = motion_to_change(change.txn(), actor, motion_id).await?;
    if result_of(change.txn(), &m).await? != MotionResult::Pending {
        return Err(AppError::Conflict(
            "the motion is no longer pending: it was voted on or already disposed of".into(),
        ));
    }
    let mut row = m.into_active_model();
    row.disposition = Set(Some(disposition));
    row.updated_at = Set(now());
    let updated = row.update(change.txn()).await?;
    let action = match disposition {
        Disposition::Tabled => "motion.tabled",
        Disposition::Withdrawn => "motion.withdrawn",
    };
    change
        .commit(
            event(&found.body, action, "Motion", updated.id, json!({})),
            updated,
        )
        .await
}

/// One member's vote as the clerk calls it.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct CastVote {
    /// The member.
    pub person_id: Uuid,
    /// Their answer.
    pub choice: VoteChoice,
}

/// Records votes of a motion's roll call (the whole call at once, or in
/// parts as members answer). Refused for a motion not seconded or no longer
/// pending, a main motion with an amendment still pending, a voter who is
/// not a seat holder taking part, a second vote by anyone, or when those
/// taking part, not counting the recused, are no quorum.
#[tracing::instrument(skip_all, fields(motion_id = %motion_id))]
pub async fn record_votes(
    db: &DatabaseConnection,
    actor: &Actor,
    motion_id: Uuid,
    votes: Vec<CastVote>,
    key: Option<&str>,
) -> AppResult<motion::Model> {
    if votes.is_empty() {
        return Err(AppError::bad_input(
            "input.votes",
            "must name at least one vote",
        ));
    }
    let key = IdempotencyKey::parse(
        key,
        "input.idempotencyKey",
        "motion.votes",
        &(motion_id, &votes),
    )?;
    let change = Change::begin_keyed(db, actor, key).await?;
    let (m, found) = motion_to_change(change.txn(), actor, motion_id).await?;
    if let Some(done) = change.replayed::<motion::Entity>().await? {
        return Ok(done);
    }
    if m.disposition.is_some() {
        return Err(AppError::Conflict(
            "the motion was tabled or withdrawn: it cannot be voted on".into(),
        ));
    }
    if m.seconder_person_id.is_none() {
        return Err(AppError::Conflict(
            "the motion has no second: it cannot be voted on".into(),
        ));
    }
    let amendments = motion::Entity::find()
        .filter(motion::Column::AmendsMotionId.eq(m.id))
        .all(change.txn())
        .await?;
    let mut ids: Vec<Uuid> = amendments.iter().map(|a| a.id).collect();
    ids.push(m.id);
    let mut recorded = votes_of(change.txn(), ids).await?;
    if amendments.iter().any(|a| {
        let tally = Tally::of(recorded.get(&a.id).into_iter().flatten());
        result(a, &tally) == MotionResult::Pending
    }) {
        return Err(AppError::Conflict(
            "an amendment of this motion is pending: vote on it first".into(),
        ));
    }
    let earlier = recorded.remove(&m.id).unwrap_or_default();
    let floor = Floor::of(change.txn(), &found).await?;
    let mut seats = Vec::with_capacity(votes.len());
    let mut named = HashSet::new();
    for (i, v) in votes.iter().enumerate() {
        let field = format!("input.votes.{i}.personId");
        let seat = floor.voter(&found, v.person_id, &field)?;
        if !named.insert(v.person_id) {
            return Err(AppError::bad_input(field, "votes twice in this roll call"));
        }
        if earlier.iter().any(|e| e.person_id == v.person_id) {
            return Err(AppError::Conflict(format!(
                "{field}: this member has already voted on this motion"
            )));
        }
        seats.push(seat.id);
    }
    let recused: HashSet<Uuid> = earlier
        .iter()
        .map(|e| (e.person_id, e.choice))
        .chain(votes.iter().map(|v| (v.person_id, v.choice)))
        .filter(|(_, choice)| *choice == VoteChoice::Recused)
        .map(|(person, _)| person)
        .collect();
    let q = quorum(
        found.body.body.seats,
        &floor.seated,
        &floor.records,
        &recused,
    );
    if !q.met() {
        return Err(AppError::Conflict(format!(
            "no quorum: {} of the {} seat holders needed take part{}",
            q.present,
            q.required,
            if recused.is_empty() {
                ""
            } else {
                " (recused members do not count)"
            }
        )));
    }
    let at = now();
    for (v, membership_id) in votes.iter().zip(seats) {
        vote::ActiveModel {
            id: Set(new_id()),
            motion_id: Set(m.id),
            person_id: Set(v.person_id),
            membership_id: Set(membership_id),
            choice: Set(v.choice),
            created_at: Set(at),
        }
        .insert(change.txn())
        .await
        .map_err(|e| {
            AppError::conflict_on_unique(e, "a member has already voted on this motion")
        })?;
    }
    let mut row = m.into_active_model();
    row.updated_at = Set(at);
    let updated = row.update(change.txn()).await?;
    let cast: Vec<_> = votes
        .iter()
        .map(|v| json!({ "person": v.person_id, "choice": v.choice }))
        .collect();
    change
        .commit(
            event(
                &found.body,
                "motion.votes_recorded",
                "Motion",
                updated.id,
                json!({ "votes": cast }),
            ),
            updated,
        )
        .await
}

/// A motion the actor may see (its meeting's agenda must be visible to them).
#[tracing::instrument(skip_all, fields(motion_id = %motion_id))]
pub async fn motion(
    db: &impl ConnectionTrait,
    actor: &Actor,
    motion_id: Uuid,
) -> AppResult<(motion::Model, MeetingAccess)> {
    let (m, found) = access::record::<motion::Entity>(db, actor, motion_id).await?;
    policy::reveal(
        "may_read_agenda",
        policy::may_read_agenda(
            found.body.access,
            found.meeting.agenda_published_at.is_some(),
        ),
    )?;
    Ok((m, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(yes: i32, no: i32, abstain: i32, recused: i32) -> Tally {
        Tally {
            yes,
            no,
            abstain,
            recused,
        }
    }

    #[test]
    fn a_majority_of_votes_cast_needs_more_yes_than_no() {
        let rule = VotingRule::MajorityOfVotesCast;
        assert!(carries(rule, 11, &tally(4, 3, 4, 0)));
        assert!(!carries(rule, 11, &tally(4, 4, 0, 0)), "a tie fails");
        assert!(
            carries(rule, 11, &tally(1, 0, 9, 1)),
            "abstentions do not count"
        );
        assert!(!carries(rule, 11, &tally(0, 0, 5, 1)));
    }

    #[test]
    fn a_majority_of_seats_counts_every_seat_filled_or_not() {
        let rule = VotingRule::MajorityOfSeats;
        assert!(!carries(rule, 11, &tally(5, 0, 0, 0)));
        assert!(carries(rule, 11, &tally(6, 5, 0, 0)));
        assert!(
            !carries(rule, 10, &tally(5, 0, 0, 0)),
            "half is not a majority"
        );
        assert!(carries(rule, 10, &tally(6, 0, 0, 0)));
    }

    #[test]
    fn two_thirds_of_votes_cast_is_reached_at_exactly_two_thirds() {
        let rule = VotingRule::TwoThirds;
        assert!(carries(rule, 11, &tally(6, 3, 0, 0)));
        assert!(!carries(rule, 11, &tally(5, 3, 0, 0)));
        assert!(carries(rule, 11, &tally(2, 1, 5, 2)));
        assert!(
            !carries(rule, 11, &tally(0, 0, 3, 0)),
            "nobody voting carries nothing"
        );
    }

    #[test]
    fn a_disposition_decides_before_any_vote() {
        let at = now();
        let mut m = motion::Model {
            id: Uuid::now_v7(),
            meeting_id: Uuid::nil(),
            agenda_item_id: Uuid::nil(),
            amends_motion_id: None,
            text: "Adopt".into(),
            mover_person_id: Uuid::nil(),
            seconder_person_id: None,
            voting_rule: VotingRule::MajorityOfVotesCast,
            seats_at_motion: 5,
            disposition: None,
            created_at: at,
            updated_at: at,
        };
        assert_eq!(result(&m, &Tally::default()), MotionResult::Pending);
        assert_eq!(result(&m, &tally(3, 1, 0, 0)), MotionResult::Passed);
        assert_eq!(result(&m, &tally(0, 0, 0, 1)), MotionResult::Failed);
        m.disposition = Some(Disposition::Tabled);
        assert_eq!(result(&m, &Tally::default()), MotionResult::Tabled);
    }
}

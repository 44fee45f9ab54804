//! Demo records of the Commission on Immigrant and Refugee Affairs: a year of
//! monthly meetings (held, one cancelled, one postponed by a week, the next
//! ones scheduled), their agendas, attendance, motions and roll calls, minutes
//! in every status with one correction, and a community dialogue whose action
//! plan is reviewed at the two regular meetings after it. Everything goes
//! through the records services, so the demo obeys every rule a clerk does.
//! Dates are relative to today so that past meetings stay past, and one
//! special meeting starts half an hour before the demo is loaded (at the
//! service's first start), so that the README's meeting cycle can record
//! attendance, motions and votes at once.

use super::action_items::{self, Assignee, NewActionItem, NewReview};
use super::agenda::{self, AgendaItemDraft, DocumentDraft};
use super::attendance::{self, MemberAttendance, seated_at_meeting};
use super::domain::{local_date, zone};
use super::meetings::{self, MeetingDraft, MeetingFilter};
use super::minutes;
use super::motions::{self, CastVote, NewMotion};
use crate::accounts;
use crate::auth::Actor;
use crate::directory::people::bodies as people;
use crate::directory::people::demo::COMMISSION;
use crate::error::{AppError, AppResult};
use crate::pagination::PageRequest;
use ActionItemStatus::{Done, Dropped, InProgress};
use VotingRule::{MajorityOfSeats, MajorityOfVotesCast, TwoThirds};
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, SecondsFormat, Utc, Weekday};
use entity::action_item::ActionItemStatus;
use entity::agenda_item::AgendaItemKind::{self, Action, Discussion, Information, PublicComment};
use entity::attendance_record::AttendanceStatus;
use entity::meeting::{self, MeetingKind};
use entity::motion::{Disposition, VotingRule};
use entity::vote::VoteChoice;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

const CITY_HALL: &str = "City Hall, Room 204, 550 Main Street";
const LIBRARY: &str = "Riverside Public Library, Community Room";
const REMOTE: &str = "https://meet.example.org/commission-on-immigrant-and-refugee-affairs";
const DOCUMENTS: &str = "https://records.example.org/commission";
/// Of the past monthly dates (oldest first), the meeting cancelled and the
/// one postponed by a week; the community dialogue falls nine days after
/// the meeting at `DIALOGUE_AFTER`.
const CANCELLED: usize = 3;
const POSTPONED: usize = 6;
const DIALOGUE_AFTER: usize = 4;
/// At the held regular meeting `CORRECTION_AT` (counting from 0), the
/// published minutes of held meeting `CORRECTED` are corrected.
const CORRECTION_AT: usize = 5;
const CORRECTED: usize = 1;

/// How a roll call goes, over the members taking part in the order called
/// (the mover and seconder first).
#[derive(Clone, Copy)]
enum Roll {
    Unanimous,
    OneAbstains,
    Split,
    Recusal,
    Fails,
}

/// What the commission does with a meeting's main action item.
#[derive(Clone, Copy)]
enum Business {
    Vote(VotingRule, Roll),
    /// An amendment (its text) carried before the main motion.
    Amend(&'static str),
    Table,
}

/// Main action items of the regular meetings, in turn: title, document, motion.
#[rustfmt::skip]
const TOPICS: &[(&str, &str, &str, Business)] = &[
    ("Language access plan for city services", "language-access-plan",
     "Recommend that the Council adopt the language access plan",
     Business::Vote(MajorityOfVotesCast, Roll::Split)),
    ("Annual report to the Mayor", "annual-report",
     "Adopt the annual report and send it to the Mayor",
     Business::Amend("Amend the motion to publish the report in the city's five most spoken languages")),
    ("Bylaws: remote participation of members", "bylaws-remote-participation",
     "Amend the bylaws to let members take part and vote remotely",
     Business::Vote(TwoThirds, Roll::Split)),
    ("Budget recommendation for newcomer services", "budget-recommendation",
     "Recommend that the city fund two more Cultural Navigator positions",
     Business::Vote(MajorityOfSeats, Roll::Unanimous)),
    ("Municipal identity card", "municipal-id",
     "Endorse a municipal identity card open to every resident",
     Business::Table),
    ("Interpretation at public hearings", "interpretation-contract",
     "Recommend a contract with the interpreters' cooperative for public hearings",
     Business::Vote(MajorityOfVotesCast, Roll::Recusal)),
    ("Meeting time", "meeting-time",
     "Move the regular meetings to Saturday mornings",
     Business::Vote(MajorityOfVotesCast, Roll::Fails)),
];
#[rustfmt::skip]
const DISCUSSIONS: &[&str] = &[
    "Report of the staff liaison", "Housing conditions reported by newcomers",
    "Updates from the neighborhood welcoming committees", "Access to health care for uninsured residents",
];
#[rustfmt::skip]
const GUESTS: &[&str] = &["Lucía Márquez", "Daniel Osei", "Fatima Noor", "Pavel Horák", "Grace Kim"];
#[rustfmt::skip]
const DIALOGUE_GUESTS: &[&str] = &[
    "Yusuf Karimi", "Maria Lopes", "Thu Nguyen", "Ibrahim Diallo", "Ana Petrova", "Carlos Méndez",
];

/// Who carries out an action item: a demo organization, or a commissioner.
#[derive(Clone, Copy)]
enum Who {
    Organization(&'static str),
    Commissioner,
}

/// A review: what was reported, the status it leaves, a new due date (days from today).
type Review = (&'static str, Option<ActionItemStatus>, Option<i64>);

/// The dialogue's action plan: what, who, due (days after the dialogue), its two reviews.
#[rustfmt::skip]
const ACTION_PLAN: &[(&str, Who, i64, [Review; 2])] = &[
    ("Translate the library's welcome guide into Dari, Pashto and Spanish",
     Who::Organization("riverside-library"), 45, [
        ("Translators found; the Dari and Pashto drafts are being proofread.", Some(InProgress), None),
        ("All three translations are printed and at both libraries.", Some(Done), None),
    ]),
    ("Hold a know-your-rights session with volunteer attorneys",
     Who::Organization("community-legal-aid"), 60, [
        ("A date is being agreed with the library.", Some(InProgress), None),
        ("Moved to find interpreters for every language asked for.", None, Some(45)),
    ]),
    ("Map the evening ESL classes within walking distance of both libraries",
     Who::Commissioner, 30, [
        ("Not started.", None, None),
        ("No progress to report; the assignee will report at the next meeting.", None, None),
    ]),
    ("Ask the health center for a monthly clinic hour at Northgate",
     Who::Organization("eastside-health"), 90, [
        ("The health center would rather send its mobile van.", Some(InProgress), None),
        ("Dropped: the mobile van now stops at Northgate every other week.", Some(Dropped), None),
    ]),
];

fn demo_error(what: &str) -> AppError {
    AppError::Internal(format!("demo records: {what}"))
}

/// The second Thursday of the month `months` after (or before) today's.
fn second_thursday(today: NaiveDate, months: i32) -> AppResult<NaiveDate> {
    let first = today
        .with_day(1)
        .ok_or_else(|| demo_error("first of the month"))?;
    let shift = Months::new(months.unsigned_abs());
    let first = if months >= 0 {
        first.checked_add_months(shift)
    } else {
        first.checked_sub_months(shift)
    }
    .ok_or_else(|| demo_error("month out of range"))?;
    let to_thursday =
        (7 + Weekday::Thu.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    Ok(first + Duration::days(i64::from(to_thursday) + 7))
}

/// Each seated member's attendance at the meeting of turn `turn`: the
/// statuses move along the roster from one meeting to the next, so that
/// one member is missing each time and quorum always holds.
fn status_at(turn: usize, position: usize, seated: usize) -> AttendanceStatus {
    match (position + seated - turn % seated) % seated {
        0 if turn.is_multiple_of(2) => AttendanceStatus::Excused,
        0 => AttendanceStatus::Absent,
        2 => AttendanceStatus::Remote,
        5 => AttendanceStatus::Late,
        _ => AttendanceStatus::Present,
    }
}

fn roll_call(floor: &[Uuid], roll: Roll) -> Vec<CastVote> {
    let n = floor.len();
    let choice = |i: usize| match roll {
        Roll::Unanimous => VoteChoice::Yes,
        Roll::OneAbstains if i + 1 == n => VoteChoice::Abstain,
        Roll::Split if i + 2 >= n => VoteChoice::No,
        Roll::Split if i + 3 == n => VoteChoice::Abstain,
        Roll::Recusal if i == n / 2 => VoteChoice::Recused,
        Roll::Recusal if i + 1 == n => VoteChoice::No,
        Roll::Fails if i + 1 == n => VoteChoice::Abstain,
        Roll::Fails if i >= 2 => VoteChoice::No,
        _ => VoteChoice::Yes,
    };
    floor
        .iter()
        .enumerate()
        .map(|(i, p)| CastVote {
            person_id: *p,
            choice: choice(i),
        })
        .collect()
}

fn pick(floor: &[Uuid], i: usize) -> AppResult<Uuid> {
    floor
        .get(i % floor.len().max(1))
        .copied()
        .ok_or_else(|| demo_error("nobody took part"))
}

struct Seeder<'a> {
    db: &'a DatabaseConnection,
    actor: Actor,
    body_id: Uuid,
    today: NaiveDate,
    /// Regular meetings held so far.
    held: usize,
    /// Minutes awaiting approval at the next regular meeting: id, "minutes of the …".
    pending: Vec<(Uuid, String)>,
    /// Minutes of each held regular meeting, in order.
    kept: Vec<(Uuid, String)>,
    /// The dialogue's action items, and how many times they were reviewed.
    actions: Vec<Uuid>,
    reviews: usize,
}

/// Loads the commission's records unless it already has meetings.
#[tracing::instrument(skip_all)]
pub async fn seed(db: &DatabaseConnection) -> AppResult<()> {
    let actor = Actor::system();
    let body = people::body_by_slug(db, &actor, COMMISSION).await?;
    let filter = MeetingFilter {
        body_id: Some(body.id),
        ..MeetingFilter::default()
    };
    let one = PageRequest::new(Some(1), None, None, None)?;
    if meetings::meetings(db, &actor, filter, &one)
        .await?
        .total_count
        > 0
    {
        return Ok(());
    }
    let started = Utc::now();
    let today = started.with_timezone(&zone(&body.time_zone)).date_naive();
    let dates = (-11..=2).map(|m| second_thursday(today, m));
    let (past, upcoming): (Vec<_>, Vec<_>) = dates
        .collect::<AppResult<Vec<_>>>()?
        .into_iter()
        .filter(|d| *d != today)
        .partition(|d| *d < today);
    let last_held = past.len().saturating_sub(2);
    let mut seeder = Seeder {
        db,
        actor,
        body_id: body.id,
        today,
        held: 0,
        pending: Vec::new(),
        kept: Vec::new(),
        actions: Vec::new(),
        reviews: 0,
    };
    for (i, date) in past.into_iter().enumerate() {
        let m = seeder.schedule(MeetingKind::Regular, date).await?;
        match i {
            CANCELLED => {
                let reason = "City Hall is closed for emergency repairs; the items move to the next regular meeting.";
                meetings::cancel_meeting(db, &seeder.actor, m.id, reason).await?;
            }
            POSTPONED => {
                let moved = seeder.postpone(m.id, date + Duration::days(7)).await?;
                seeder.hold_regular(moved, last_held).await?;
            }
            _ => seeder.hold_regular(m, last_held).await?,
        }
        if i == DIALOGUE_AFTER {
            seeder.dialogue(date + Duration::days(9)).await?;
        }
    }
    seeder.todays_meeting(started).await?;
    for (nth, date) in upcoming.into_iter().enumerate() {
        let m = seeder.schedule(MeetingKind::Regular, date).await?;
        // The next meeting's agenda is out; later ones are in preparation.
        let turn = seeder.held + nth;
        seeder.regular_agenda(m.id, turn, nth == 0, false).await?;
        if nth == 0 {
            meetings::publish_agenda(db, &seeder.actor, m.id).await?;
        }
    }
    Ok(())
}

impl Seeder<'_> {
    /// A regular meeting (18:00–20:00, hybrid) or the community dialogue
    /// (a Saturday morning at the library) on `date`.
    async fn schedule(&self, kind: MeetingKind, date: NaiveDate) -> AppResult<meeting::Model> {
        let regular = kind == MeetingKind::Regular;
        let (from, to) = if regular {
            ("18:00", "20:00")
        } else {
            ("10:00", "12:30")
        };
        let input = MeetingDraft {
            kind,
            title: (!regular).then(|| "Community dialogue: newcomers and the library".to_owned()),
            starts_at: format!("{date}T{from}"),
            ends_at: format!("{date}T{to}"),
            location: Some(if regular { CITY_HALL } else { LIBRARY }.to_owned()),
            remote_url: regular.then(|| REMOTE.to_owned()),
        };
        meetings::schedule_meeting(self.db, &self.actor, self.body_id, input, None).await
    }

    /// Today's special meeting, begun half an hour before `started`, its
    /// agenda published: the meeting the README's clerk holds. Today's regular
    /// date, if it is one, is left out so that this is the first meeting
    /// still scheduled.
    async fn todays_meeting(&self, started: DateTime<Utc>) -> AppResult<()> {
        let at = |minutes: i64| {
            (started + Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
        };
        let input = MeetingDraft {
            kind: MeetingKind::Special,
            title: Some("Special meeting: language access plan".to_owned()),
            starts_at: at(-30),
            ends_at: at(90),
            location: Some(CITY_HALL.to_owned()),
            remote_url: Some(REMOTE.to_owned()),
        };
        let m = meetings::schedule_meeting(self.db, &self.actor, self.body_id, input, None).await?;
        self.add(m.id, "Call to order and roll call", Information, None)
            .await?;
        self.add(m.id, "Public comment", PublicComment, None)
            .await?;
        let (title, document, _, _) = TOPICS[0];
        self.add(m.id, title, Action, Some(document)).await?;
        meetings::publish_agenda(self.db, &self.actor, m.id).await?;
        Ok(())
    }

    /// Postpones a meeting to the evening of `to`; returns the new meeting.
    async fn postpone(&self, meeting_id: Uuid, to: NaiveDate) -> AppResult<meeting::Model> {
        let reason =
            "Postponed one week: the date falls on Eid al-Fitr, observed by many residents.";
        let (from, until) = (format!("{to}T18:00"), format!("{to}T20:00"));
        let old =
            meetings::postpone_meeting(self.db, &self.actor, meeting_id, &from, &until, reason)
                .await?;
        let new_id = old
            .rescheduled_to_id
            .ok_or_else(|| demo_error("postponed without a new meeting"))?;
        Ok(meetings::meeting(self.db, &self.actor, new_id)
            .await?
            .meeting)
    }

    async fn add(
        &self,
        meeting_id: Uuid,
        title: &str,
        kind: AgendaItemKind,
        document: Option<&str>,
    ) -> AppResult<Uuid> {
        let documents = document.map(|slug| DocumentDraft {
            title: format!("{title} (staff memo)"),
            url: format!("{DOCUMENTS}/{slug}.pdf"),
        });
        let input = AgendaItemDraft {
            title: title.to_owned(),
            description: None,
            kind,
            presenter_person_id: None,
            presenter_name: None,
            documents: documents.into_iter().collect(),
        };
        let item = agenda::add_item(self.db, &self.actor, meeting_id, None, input, None).await?;
        Ok(item.id)
    }

    /// A regular meeting's agenda; returns the minutes item (when there are
    /// minutes to approve) and the main action item.
    async fn regular_agenda(
        &self,
        meeting_id: Uuid,
        turn: usize,
        approvals: bool,
        reviewing: bool,
    ) -> AppResult<(Option<Uuid>, Uuid)> {
        let (title, document, _, _) = TOPICS[turn % TOPICS.len()];
        let discussion = if reviewing {
            "Review of the community dialogue's action plan"
        } else {
            DISCUSSIONS[turn % DISCUSSIONS.len()]
        };
        self.add(meeting_id, "Call to order and roll call", Information, None)
            .await?;
        let minutes_item = if approvals {
            Some(
                self.add(meeting_id, "Approval of minutes", Action, None)
                    .await?,
            )
        } else {
            None
        };
        self.add(meeting_id, "Public comment", PublicComment, None)
            .await?;
        let topic = self.add(meeting_id, title, Action, Some(document)).await?;
        self.add(meeting_id, discussion, Discussion, None).await?;
        Ok((minutes_item, topic))
    }

    /// Records attendance and guests; returns the seat holders taking part,
    /// in the order the roll is called at this meeting.
    async fn attend(
        &self,
        m: &meeting::Model,
        turn: usize,
        guests: &[&str],
    ) -> AppResult<Vec<Uuid>> {
        let seated = seated_at_meeting(self.db, m).await?;
        if seated.is_empty() {
            return Err(demo_error("nobody sits on the commission"));
        }
        let lines: Vec<MemberAttendance> = (seated.iter().enumerate())
            .map(|(p, s)| MemberAttendance {
                person_id: s.person_id,
                status: status_at(turn, p, seated.len()),
            })
            .collect();
        let guests = guests.iter().map(|g| (*g).to_owned()).collect();
        attendance::record(self.db, &self.actor, m.id, lines.clone(), Some(guests)).await?;
        let mut floor: Vec<Uuid> = (seated.iter().zip(&lines))
            .filter(|(s, l)| s.post.holds_seat() && l.status.took_part())
            .map(|(s, _)| s.person_id)
            .collect();
        let shift = turn % floor.len().max(1);
        floor.rotate_left(shift);
        Ok(floor)
    }

    /// Makes a motion moved by the `by`-th member on the floor, seconded by the next.
    async fn motion(
        &self,
        item: Uuid,
        amends: Option<Uuid>,
        text: &str,
        floor: &[Uuid],
        by: usize,
        rule: VotingRule,
    ) -> AppResult<Uuid> {
        let input = NewMotion {
            agenda_item_id: item,
            amends_motion_id: amends,
            text: text.to_owned(),
            mover_id: pick(floor, by)?,
            seconder_id: Some(pick(floor, by + 1)?),
            voting_rule: rule,
        };
        Ok(motions::make(self.db, &self.actor, input, None).await?.id)
    }

    async fn vote(&self, motion_id: Uuid, floor: &[Uuid], roll: Roll) -> AppResult<()> {
        let votes = roll_call(floor, roll);
        motions::record_votes(self.db, &self.actor, motion_id, votes, None)
            .await
            .map(drop)
    }

    /// Approves minutes (`what`: "minutes of the …") by a passed motion, and
    /// publishes them when `publish`.
    async fn approve(
        &self,
        item: Uuid,
        floor: &[Uuid],
        (id, what): (Uuid, String),
        publish: bool,
    ) -> AppResult<()> {
        let text = format!("Approve the {what}");
        let motion = self
            .motion(item, None, &text, floor, 0, MajorityOfVotesCast)
            .await?;
        self.vote(motion, floor, Roll::OneAbstains).await?;
        minutes::approve(self.db, &self.actor, id, motion).await?;
        if publish {
            minutes::publish(self.db, &self.actor, id).await?;
        }
        Ok(())
    }

    async fn business(&self, item: Uuid, floor: &[Uuid], turn: usize) -> AppResult<()> {
        let (_, _, text, business) = TOPICS[turn % TOPICS.len()];
        let rule = match business {
            Business::Vote(rule, _) => rule,
            _ => MajorityOfVotesCast,
        };
        let main = self.motion(item, None, text, floor, 0, rule).await?;
        match business {
            Business::Vote(_, roll) => self.vote(main, floor, roll).await,
            Business::Amend(text) => {
                let amendment = self.motion(item, Some(main), text, floor, 2, rule).await?;
                self.vote(amendment, floor, Roll::Unanimous).await?;
                self.vote(main, floor, Roll::Split).await
            }
            Business::Table => {
                let tabled = motions::dispose(self.db, &self.actor, main, Disposition::Tabled);
                tabled.await.map(drop)
            }
        }
    }

    /// Drafts and revises the minutes of a held meeting; they await approval.
    async fn keep_minutes(&mut self, m: &meeting::Model, kind: &str) -> AppResult<(Uuid, String)> {
        let date = local_date(m.starts_at, &m.time_zone).format("%B %-d, %Y");
        let what = format!("minutes of the {kind} of {date}");
        let draft = format!(
            "The {what}.\n\nThe chair called the meeting to order; a quorum was present. The items of the published agenda were taken up in order; motions and roll calls are recorded with the meeting."
        );
        let kept = minutes::draft(self.db, &self.actor, m.id, &draft).await?;
        let revised =
            format!("{draft}\n\nPublic comment was heard from the guests recorded as present.");
        minutes::revise(self.db, &self.actor, kept.id, &revised, Some(1)).await?;
        self.pending.push((kept.id, what.clone()));
        Ok((kept.id, what))
    }

    /// A regular meeting from agenda to minutes: approves the pending
    /// minutes (publishing them, except at the last meeting held), corrects
    /// published minutes once, decides the main item, reviews the action plan.
    async fn hold_regular(&mut self, m: meeting::Model, last_held: usize) -> AppResult<()> {
        let turn = self.held;
        let correcting = self
            .kept
            .get(CORRECTED)
            .filter(|_| turn == CORRECTION_AT)
            .cloned();
        let reviewing = !self.actions.is_empty() && self.reviews < 2;
        let approvals = !self.pending.is_empty() || correcting.is_some();
        let (minutes_item, topic) = self
            .regular_agenda(m.id, turn, approvals, reviewing)
            .await?;
        meetings::publish_agenda(self.db, &self.actor, m.id).await?;
        let guests: Vec<&str> = GUESTS
            .iter()
            .cycle()
            .skip(turn)
            .take(1 + turn % 2)
            .copied()
            .collect();
        let floor = self.attend(&m, turn, &guests).await?;
        if let Some(item) = minutes_item {
            for pending in std::mem::take(&mut self.pending) {
                self.approve(item, &floor, pending, turn != last_held)
                    .await?;
            }
            if let Some((target, what)) = correcting {
                let text = format!(
                    "Correction of the {what}: a speaker during public comment was Lucía Márquez."
                );
                let correction =
                    minutes::draft_correction(self.db, &self.actor, target, &text, None).await?;
                self.approve(
                    item,
                    &floor,
                    (correction.id, format!("correction of the {what}")),
                    true,
                )
                .await?;
            }
        }
        self.business(topic, &floor, turn).await?;
        if reviewing {
            self.review_actions(m.id).await?;
        }
        meetings::mark_held(self.db, &self.actor, m.id).await?;
        let kept = self.keep_minutes(&m, "regular meeting").await?;
        self.kept.push(kept);
        self.held += 1;
        Ok(())
    }

    /// The community dialogue: held, with many guests, and an action plan.
    async fn dialogue(&mut self, date: NaiveDate) -> AppResult<()> {
        let m = self.schedule(MeetingKind::CommunityDialogue, date).await?;
        self.add(m.id, "Welcome and introductions", Information, None)
            .await?;
        let groups = "Conversations in small groups: newcomers and long-time residents";
        self.add(m.id, groups, Discussion, None).await?;
        let plan = self.add(m.id, "Action plan", Discussion, None).await?;
        meetings::publish_agenda(self.db, &self.actor, m.id).await?;
        let floor = self.attend(&m, self.held, DIALOGUE_GUESTS).await?;
        meetings::mark_held(self.db, &self.actor, m.id).await?;
        for (description, who, due, _) in ACTION_PLAN {
            let assignee = match who {
                Who::Organization(slug) => {
                    Assignee::Organization(accounts::organization_by_slug(self.db, slug).await?.id)
                }
                Who::Commissioner => Assignee::Person(pick(&floor, 2)?),
            };
            let input = NewActionItem {
                meeting_id: m.id,
                agenda_item_id: Some(plan),
                description: (*description).to_owned(),
                assignee,
                due_on: date + Duration::days(*due),
            };
            let created = action_items::create(self.db, &self.actor, input, None).await?;
            self.actions.push(created.id);
        }
        self.keep_minutes(&m, "community dialogue").await.map(drop)
    }

    async fn review_actions(&mut self, meeting_id: Uuid) -> AppResult<()> {
        for (item, (_, _, _, reviews)) in self.actions.iter().zip(ACTION_PLAN) {
            let (update, status, due) = reviews[self.reviews];
            let input = NewReview {
                meeting_id,
                update: update.to_owned(),
                status,
                due_on: due.map(|d| self.today + Duration::days(d)),
            };
            action_items::review(self.db, &self.actor, *item, input).await?;
        }
        self.reviews += 1;
        Ok(())
    }
}

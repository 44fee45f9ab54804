//! The enums of the referral network's schema, each mirroring the stored
//! (or service-side) enum it is converted to and from.

use crate::audit::reads::ReadPart as ReadPartCode;
use crate::mirror_enum;
use crate::referrals::domain::{
    CancelReason as CancelReasonCode, DeclineReason as DeclineReasonCode, Outcome as OutcomeCode,
};
use crate::referrals::listing::Direction as DirectionCode;

mirror_enum! {
    /// Where a referral stands.
    ReferralStatus mirrors entity::enums::ReferralStatus {
        /// Sent; waiting for the receiving organization.
        Sent,
        /// Accepted by the receiving organization.
        Accepted,
        /// Declined by the receiving organization (see `statusReason`).
        Declined,
        /// Being worked.
        InProgress,
        /// Paused by the receiving organization.
        OnHold,
        /// Closed with an outcome (see `statusReason`).
        Completed,
        /// Cancelled by the referring organization, or because consent was revoked.
        Cancelled,
        /// Not answered within the service's response window.
        Expired,
    }
}

mirror_enum! {
    /// How soon a referral needs an answer.
    Urgency mirrors entity::enums::Urgency {
        /// Within the usual response window.
        Routine,
        /// Within days.
        Soon,
        /// As soon as possible.
        Urgent,
    }
}

mirror_enum! {
    /// How a client can be reached.
    ContactChannel mirrors entity::enums::ContactChannel {
        /// By phone call.
        Phone,
        /// By email.
        Email,
        /// By text message.
        Text,
        /// Only through the navigator who referred them.
        ViaNavigator,
    }
}

mirror_enum! {
    /// How consent was given.
    ConsentMethod mirrors entity::enums::ConsentMethod {
        /// Spoken.
        Verbal,
        /// On paper.
        Written,
        /// On a screen or by message.
        Electronic,
    }
}

mirror_enum! {
    /// Who may read a note.
    NoteVisibility mirrors entity::enums::NoteVisibility {
        /// Both organizations.
        Shared,
        /// The author's organization only.
        Internal,
    }
}

mirror_enum! {
    /// Why a receiving organization declines a referral.
    DeclineReason mirrors DeclineReasonCode {
        /// The client is not eligible for the service.
        NotEligible,
        /// No capacity now.
        NoCapacity,
        /// The service is not offered (any more).
        ServiceNotOffered,
        /// The client could not be reached.
        ClientUnreachable,
        /// The client was already referred.
        Duplicate,
        /// Another reason (explain in the note).
        Other,
    }
}

mirror_enum! {
    /// How a referral ended.
    Outcome mirrors OutcomeCode {
        /// The service was provided.
        ServiceProvided,
        /// Part of the service was provided.
        PartiallyProvided,
        /// The client could not be reached.
        ClientUnreachable,
        /// The client declined the service.
        ClientDeclined,
        /// The client turned out not to be eligible.
        NotEligible,
        /// Another outcome (explain in the note).
        Other,
    }
}

mirror_enum! {
    /// Why the referring organization cancels a referral.
    CancelReason mirrors CancelReasonCode {
        /// The client no longer wants it.
        ClientWithdrew,
        /// The need was met otherwise.
        NoLongerNeeded,
        /// Sent by mistake.
        SentInError,
        /// Another reason (explain in the note).
        Other,
    }
}

mirror_enum! {
    /// Which referrals of the viewer's organizations to list.
    ReferralDirection mirrors DirectionCode {
        /// Received by the viewer's organizations.
        Inbox,
        /// Sent by the viewer's organizations.
        Outbox,
        /// Both.
        All,
    }
}

mirror_enum! {
    /// A part of a person's record that was read: a client field, or what a
    /// referral says about them.
    ClientRecordPart mirrors ReadPartCode {
        /// The client's display name.
        Name,
        /// The client's contact channel and value.
        Contact,
        /// The client's preferred languages.
        Languages,
        /// The client's needs summary.
        Needs,
        /// The client's year of birth (read only by the owning organization).
        BirthYear,
        /// Why the client was referred (a referral's `reason`).
        Reason,
        /// A referral's notes.
        Notes,
        /// The notes given with the steps in a referral's history.
        StepNotes,
        /// The language an interpreter is needed in.
        InterpreterLanguage,
    }
}

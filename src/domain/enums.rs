//! The closed sets of names the domain uses (SPEC §2). Stored as TEXT, sent as these strings.

string_enum!(
    /// How serious an offense is; decides whether it can be settled by mail.
    PenaltyClass, "penalty class" {
        Infraction => "infraction",
        Petty60d => "petty-60d",
        Misdemeanor300d => "misdemeanor-300d",
        Misdemeanor1y => "misdemeanor-1y",
    }
);

string_enum!(
    /// The language letters and pages are written in for a defendant.
    Language, "language" { En => "en", Es => "es" }
);

impl Language {
    /// SPEC: an empty language column means English.
    pub fn parse_or_default(s: &str) -> Result<Self, super::ParseError> {
        let s = s.trim().to_ascii_lowercase();
        if s.is_empty() {
            Ok(Language::En)
        } else {
            s.parse()
        }
    }
}

string_enum!(
    /// A defendant's answer to one charge.
    Plea, "plea" {
        Guilty => "guilty",
        NoContest => "no_contest",
        NotGuilty => "not_guilty",
        RequestOffer => "request_offer",
    }
);

string_enum!(
    /// Where a case stands (SPEC §2, case lifecycle).
    CaseStatus, "case status" {
        Open => "open",
        Responded => "responded",
        InReview => "in_review",
        OfferPending => "offer_pending",
        AmountDue => "amount_due",
        Resolved => "resolved",
        HearingSet => "hearing_set",
        Default => "default",
    }
);

string_enum!(
    /// How a plea reached the court.
    Channel, "channel" { Online => "online", Mail => "mail", Counter => "counter" }
);

string_enum!(
    /// Whether a submission is tied to its citation yet.
    SubmissionStatus, "submission status" {
        Linked => "linked",
        Unmatched => "unmatched",
        Deficient => "deficient",
    }
);

string_enum!(
    OfferStatus, "offer status" {
        Pending => "pending",
        Accepted => "accepted",
        Rejected => "rejected",
        Expired => "expired",
        Withdrawn => "withdrawn",
    }
);

string_enum!(
    PaymentMethod, "payment method" {
        Check => "check",
        MoneyOrder => "money_order",
        Card => "card",
        Cash => "cash",
    }
);

string_enum!(
    Disposition, "disposition" {
        PaidAsCharged => "paid_as_charged",
        PaidAmended => "paid_amended",
        Dismissed => "dismissed",
        HearingSet => "hearing_set",
        DefaultJudgment => "default_judgment",
    }
);

string_enum!(
    /// A letter's type, by its name in the API (SPEC §3).
    LetterType, "letter type" {
        PleaForm => "plea_form",
        Acknowledgement => "acknowledgement",
        Deficiency => "deficiency_notice",
        Offer => "plea_offer",
        AmountDue => "amount_due",
        Hearing => "hearing_notice",
        Outcome => "outcome",
        DefaultNotice => "default_notice",
        Reminder => "reminder",
    }
);

impl LetterType {
    /// Whether the letter goes out on paper (in the mail run) as well as by email: every letter
    /// does, except a reminder to a defendant with an email address, which is emailed only
    /// (issue 9: reminders by email, and by letter where there is no email).
    pub fn by_post(self, has_email: bool) -> bool {
        !(self == LetterType::Reminder && has_email)
    }
}

string_enum!(
    LetterStatus, "letter status" {
        Queued => "queued",
        Printed => "printed",
        Emailed => "emailed",
        Mailed => "mailed",
    }
);

string_enum!(
    /// Where a letter's email stands: `sending` is recorded before the SMTP conversation, so a
    /// retry after a crash knows the message may already have been delivered.
    EmailStatus, "email status" { NotSent => "not_sent", Sending => "sending", Sent => "sent" }
);

string_enum!(
    /// What a staff account may do (SPEC §1).
    Role, "role" {
        Clerk => "clerk",
        Prosecutor => "prosecutor",
        Admin => "admin",
        Integration => "integration",
    }
);

string_enum!(
    JobStatus, "job status" {
        Queued => "queued",
        Running => "running",
        Done => "done",
        Parked => "parked",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for p in Plea::ALL {
            assert_eq!(p.as_str().parse::<Plea>().unwrap(), *p);
        }
        for s in CaseStatus::ALL {
            assert_eq!(s.as_str().parse::<CaseStatus>().unwrap(), *s);
        }
        for r in Role::ALL {
            assert_eq!(r.to_string().parse::<Role>().unwrap(), *r);
        }
    }

    /// SPEC §3 names the letter types of the API; the stored names are the same.
    #[test]
    fn letter_types_have_the_names_spec_gives_them() {
        let names: Vec<&str> = LetterType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            names,
            [
                "plea_form",
                "acknowledgement",
                "deficiency_notice",
                "plea_offer",
                "amount_due",
                "hearing_notice",
                "outcome",
                "default_notice",
                "reminder"
            ]
        );
    }

    #[test]
    fn unknown_name_lists_the_choices() {
        let err = "guilt".parse::<Plea>().unwrap_err().to_string();
        assert!(err.contains("'guilt' is not a valid plea"), "{err}");
        assert!(err.contains("guilty, no_contest, not_guilty, request_offer"), "{err}");
    }

    #[test]
    fn empty_language_is_english() {
        assert_eq!(Language::parse_or_default("").unwrap(), Language::En);
        assert_eq!(Language::parse_or_default(" ES ").unwrap(), Language::Es);
        assert!(Language::parse_or_default("fr").is_err());
    }

    #[test]
    fn serde_uses_the_names() {
        assert_eq!(serde_json::to_string(&Plea::NoContest).unwrap(), "\"no_contest\"");
        let p: PenaltyClass = serde_json::from_str("\"petty-60d\"").unwrap();
        assert_eq!(p, PenaltyClass::Petty60d);
        assert!(serde_json::from_str::<Plea>("\"maybe\"").is_err());
    }
}

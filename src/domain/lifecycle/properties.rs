//! Random sequences of actions on random tickets, checked step by step against [`EDGES`] and the
//! money rules; and every edge of the table shown reachable.

use super::*;
use crate::domain::{Cents, Disposition, Plea};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashSet};

const PLEAS: [Plea; 4] = [Plea::Guilty, Plea::NoContest, Plea::NotGuilty, Plea::RequestOffer];

/// An action to take, in numbers that become a concrete action for the case as it then stands
/// (so that most sequences go somewhere, and some refer to charges, offers or payments that are
/// not there).
#[derive(Debug, Clone, Copy)]
struct Seed {
    kind: u8,
    a: u32,
    b: u32,
}

fn due_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
}

fn ticket(fines: &[i64]) -> Case {
    Case::new(due_date(), fines.iter().zip(1..).map(|(f, seq)| Charge::new(seq, Cents::new(*f).unwrap())).collect())
}

fn concrete(seed: Seed, case: &Case, next_id: i64) -> Action {
    let n = case.charges.len() as u32;
    let offer_id = match (&case.offer, seed.b % 4) {
        (Some(o), 0..=2) => o.id,
        _ => i64::from(seed.b % 5),
    };
    let shift = |d: NaiveDate| d.checked_add_days(Days::new(u64::from(seed.a % 3))).unwrap();
    match seed.kind % 13 {
        0 | 1 => {
            // One plea per charge (most of the time), or a few for some charges.
            let count = if seed.a.is_multiple_of(5) { 1 + seed.a % (n + 1) } else { n };
            let start = if seed.a.is_multiple_of(7) { 2 } else { 1 };
            let pleas = (0..count).map(|i| ((start + i) as i32, PLEAS[((seed.b >> (2 * i)) % 4) as usize])).collect();
            Action::PleaReceived { pleas }
        }
        2 => Action::PleaSetAside,
        3 => Action::Ineligible,
        4 => Action::DeadlinePassed { today: shift(case.response_due) },
        5 => {
            let mut seqs: Vec<i32> = case
                .charges
                .iter()
                .filter(|c| c.plea == Some(Plea::RequestOffer) && c.disposition.is_none() && c.amended_fine.is_none())
                .map(|c| c.seq)
                .collect();
            if seed.a.is_multiple_of(6) {
                seqs.push((seed.a % (n + 1)) as i32 + 1);
            }
            let charges = seqs
                .iter()
                .map(|s| OfferedCharge { seq: *s, fine: Cents::new(i64::from(seed.b % 20_000)).unwrap() })
                .collect();
            Action::OfferMade(Offer { id: next_id, expires_on: due_date(), charges })
        }
        6 => Action::OfferAccepted { offer_id },
        7 => Action::OfferRejected { offer_id },
        8 => Action::OfferExpired { offer_id, today: shift(due_date()) },
        9 => Action::OfferWithdrawn { offer_id },
        10 => Action::OfferDeclined,
        11 => {
            // In full, half, double (an overpayment), or any amount up to one and a half times.
            let outstanding = case.balance().outstanding().get();
            let amount = match seed.a % 4 {
                0 => outstanding,
                1 => outstanding / 2,
                2 => outstanding * 2,
                _ => i64::from(seed.b) % (outstanding + outstanding / 2 + 2),
            };
            Action::PaymentRecorded(Payment { id: next_id, amount: Cents::new(amount).unwrap(), reversed: false })
        }
        _ if seed.a.is_multiple_of(2) => {
            Action::PaymentReversed { payment_id: i64::from(seed.b % (next_id as u32 + 1)) }
        }
        _ => Action::ReminderDue,
    }
}

/// What is due, worked out afresh: fines as charged after guilty or no contest, amended fines of
/// accepted offers.
fn expected_due(case: &Case) -> i64 {
    case.charges
        .iter()
        .map(|c| match (c.amended_fine, c.plea) {
            (Some(f), _) => f.get(),
            (None, Some(Plea::Guilty | Plea::NoContest)) => c.fine.get(),
            _ => 0,
        })
        .sum()
}

fn is_edge(from: CaseStatus, to: CaseStatus, kind: ActionKind) -> bool {
    EDGES.iter().any(|e| e.from == from && e.to == to && e.on.contains(&kind))
}

/// Checks one step; returns the case to go on with.
fn check_step(case: &Case, action: Action, paid: &mut i64, amounts: &mut Vec<(i64, i64)>) -> Case {
    let kind = action.kind();
    let payment = match &action {
        Action::PaymentRecorded(p) => Some((p.id, p.amount.get())),
        _ => None,
    };
    let reversal = match &action {
        Action::PaymentReversed { payment_id } => Some(*payment_id),
        _ => None,
    };
    let t = match apply(case, action) {
        Ok(t) => t,
        Err(e) => {
            let wrong_state = matches!(e, LifecycleError::WrongState { .. });
            assert_eq!(wrong_state, !allowed(case.status, kind), "{kind:?} in {}: {e}", case.status);
            assert!(!e.to_string().is_empty());
            return case.clone();
        }
    };
    assert!(allowed(case.status, kind));
    assert_eq!(t.from, case.status);
    let mut at = case.status;
    for next in &t.path {
        assert!(is_edge(at, *next, kind), "{at} → {next} on {kind:?} is not an edge of SPEC §2");
        at = *next;
    }
    assert_eq!(at, t.status());
    if t.path.is_empty() {
        assert!(is_edge(at, at, kind), "{kind:?} may not leave a case {at} where it is");
    }
    assert_eq!(t.moved(), t.events.first().is_some_and(|e| e.action() == "case.status_changed"));
    // The money: what the actions paid in, less what they reversed.
    if let Some((id, amount)) = payment {
        *paid += amount;
        amounts.push((id, amount));
    }
    if let Some(id) = reversal {
        *paid -= amounts.iter().find(|(p, _)| *p == id).map(|(_, a)| *a).unwrap();
    }
    let b = t.case.balance();
    assert_eq!((b.due.get(), b.paid.get()), (expected_due(&t.case), *paid));
    assert_eq!(b.outstanding().get() - b.overpaid().get(), b.due.get() - b.paid.get());
    assert!(b.outstanding().get() == 0 || b.overpaid().get() == 0);
    if t.status() == CaseStatus::Resolved {
        assert!(t.case.all_disposed(), "resolved with a charge not disposed: {:?}", t.case.charges);
        assert_eq!(b.outstanding(), Cents::ZERO);
    }
    for (seq, d) in &t.disposed {
        assert_eq!(t.case.charge(*seq).and_then(|c| c.disposition), Some(*d));
    }
    // No charge is marked paid beyond what was paid.
    let paid_dispositions = [Some(Disposition::PaidAsCharged), Some(Disposition::PaidAmended)];
    let marked_paid: i64 = (t.case.charges.iter())
        .filter(|c| paid_dispositions.contains(&c.disposition))
        .map(|c| c.owed().map_or(0, Cents::get))
        .sum();
    assert!(marked_paid <= b.paid.get(), "charges marked paid for {marked_paid}, paid {}", b.paid.get());
    t.case
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_sequence_keeps_to_the_edges_and_the_money_adds_up(
        fines in prop::collection::vec(0i64..50_000, 1..4),
        seeds in prop::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 1..25),
    ) {
        let mut case = ticket(&fines);
        let (mut paid, mut amounts) = (0i64, Vec::new());
        for (i, (kind, a, b)) in seeds.into_iter().enumerate() {
            let action = concrete(Seed { kind, a, b }, &case, i as i64 + 1);
            case = check_step(&case, action, &mut paid, &mut amounts);
        }
    }
}

/// Walks every sequence of a fixed set of actions (up to a depth) from a few tickets and collects
/// the edges taken: each edge of the table is taken somewhere, so none is there by mistake.
#[test]
fn every_edge_of_the_table_is_taken() {
    let mut taken: BTreeSet<(CaseStatus, CaseStatus, ActionKind)> = BTreeSet::new();
    let mut frontier: Vec<Case> = [vec![13_500], vec![13_500, 6_500], vec![0]].iter().map(|f| ticket(f)).collect();
    for depth in 0..6 {
        let mut next = HashSet::new();
        for case in &frontier {
            for kind in 0..13u8 {
                for (a, b) in [(0, 0b0000), (1, 0b1100), (2, 0b0011), (4, 0b1111), (3, 0b0010), (9, 0b0001)] {
                    let action = concrete(Seed { kind, a, b }, case, depth + 1);
                    let kind = action.kind();
                    if let Ok(t) = apply(case, action) {
                        let mut at = t.from;
                        for to in &t.path {
                            taken.insert((at, *to, kind));
                            at = *to;
                        }
                        if t.path.is_empty() {
                            taken.insert((at, at, kind));
                        }
                        next.insert(t.case);
                    }
                }
            }
        }
        frontier = next.into_iter().collect();
    }
    for e in EDGES {
        for kind in e.on {
            assert!(taken.contains(&(e.from, e.to, *kind)), "{} → {} on {kind:?} is never taken", e.from, e.to);
        }
    }
}

//! What the test suite asserts, in plain words, for the method and validation section.

/// A property the test suite asserts, for the method and validation section.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Check {
    pub(crate) name: &'static str,
    pub(crate) what: &'static str,
    /// The test file that asserts it.
    pub(crate) test: &'static str,
}

/// The checks of `tests/model` and `tests/cli`, in plain words.
pub(crate) fn validation_checks() -> Vec<Check> {
    vec![
        Check {
            name: "Conservation",
            what: "the number of RSOs on the register equals the start plus everyone who entered minus everyone who left, every week of every replica",
            test: "tests/model/conservation.rs",
        },
        Check {
            name: "Little's law",
            what: "with a steady inflow and a fixed notification period the register settles at inflow × period (within 4 standard errors)",
            test: "tests/model/littles_law.rs",
        },
        Check {
            name: "Fluid limit",
            what: "with fixed visit efforts the backlog falls at capacity minus demand until it clears, and grows at demand minus capacity when staff are short",
            test: "tests/model/fluid_limit.rs",
        },
        Check {
            name: "Zero capacity",
            what: "with no staff every visit that falls due becomes overdue and stays overdue",
            test: "tests/model/zero_capacity.rs",
        },
        Check {
            name: "Determinism",
            what: "the same scenario and seed give identical results with 1, 2 or 8 threads",
            test: "tests/model/determinism.rs, tests/cli",
        },
        Check {
            name: "Priority policies",
            what: "risk-first keeps very-high-risk visits on time while lower tiers build up; most-overdue-first caps the longest wait",
            test: "tests/model/policies.rs",
        },
        Check {
            name: "Plan verdict",
            what: "ample capacity meets the target, zero capacity never does, and a target met on the start date counts from day 0",
            test: "tests/model/plan_verdict.rs",
        },
        Check {
            name: "Custody and release",
            what: "the number in custody settles at inflow × mean time served (Little's law), and lowering the release fraction from 50% to 40% releases at once exactly those who have already served 40%",
            test: "tests/model/custody.rs",
        },
        Check {
            name: "Approved premises",
            what: "residents never exceed the beds, and with no beds every referral is refused",
            test: "tests/model/approved_premises.rs",
        },
        Check {
            name: "Workforce",
            what: "with no recruitment lag, ramp-up or leavers, staff in post equal the funded posts exactly; new starters reach full strength exactly at the end of the ramp-up",
            test: "tests/model/workforce.rs",
        },
        Check {
            name: "Early-release shock",
            what: "the bundled shock scenario raises the backlog against the same force without the shock (paired runs)",
            test: "tests/model/early_release_shock.rs",
        },
        Check {
            name: "Scenario files",
            what: "every bundled scenario validates; mistakes are reported with file, line, column and key",
            test: "tests/cli",
        },
    ]
}

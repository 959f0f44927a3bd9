use caseload::{
    engine::rng::replica_seed,
    model::{simulate, Prepared},
    observe::{Metric, WeeklySeries},
};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let s = caseload::scenario::load_file(std::path::Path::new(&path))
        .unwrap_or_else(|e| panic!("{e}"));
    let p = Prepared::new(s);
    for i in 1..30 {
        simulate(&p, replica_seed(1, i), &mut caseload::observe::NullRecorder);
    }
    let t = std::time::Instant::now();
    for i in 1..30 {
        simulate(&p, replica_seed(1, i), &mut caseload::observe::NullRecorder);
    }
    println!("per replica {:?}", t.elapsed() / 29);
    let mut rec = WeeklySeries::default();
    let o = simulate(&p, replica_seed(1, 0), &mut rec);
    println!("{:?}", o);
    for (w, r) in rec.rows.iter().enumerate().step_by(13) {
        println!(
            "w{w}: backlog {} vh {} pop {} dem {:.0} del {:.0} visits {} maxd {} arms {}",
            r[Metric::Backlog.index()],
            r[Metric::BacklogVeryHigh.index()],
            r[Metric::Population.index()],
            r[Metric::HoursDemanded.index()],
            r[Metric::HoursDelivered.index()],
            r[Metric::VisitsDone.index()],
            r[Metric::MaxDaysOverdue.index()],
            r[Metric::ArmsOverdue.index()]
        );
    }
}

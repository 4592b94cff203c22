//! `reckon review` (issue 4): the review queue in the terminal; decisions are stored with
//! the reviewer's name and reason, enter the audit chain, and bind the next link run.

use crate::{Project, stderr, stdout};

fn person_of(project: &Project, record: &str) -> String {
    let output = project.run(&["show", record, "--db", "demo/reckon.db"]);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("person")
                .map(|p| p.trim().split(' ').next().unwrap().to_string())
        })
        .unwrap()
}

#[test]
fn decisions_are_kept_and_bind_the_next_link_run() {
    let project = Project::new();
    // A seed whose linkage leaves at least two pairs to review (seed 6 since candidates in
    // one list share a record's chance, session 6).
    let output = project.run(&["demo", "--seed", "6", "--victims", "150", "--dir", "demo"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = project.run_with_input(
        &["review", "--db", "demo/reckon.db"],
        "x\nm same person in two scripts\nn different fathers\nq\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("type m, n, s or q"), "{text}");
    assert!(text.contains("2 decisions stored as tester"), "{text}");
    // The two pairs shown, in order: the first decided "same", the second "different".
    let pairs: Vec<(String, String)> = text
        .split("\npair ")
        .skip(1)
        .map(|block| {
            let ids: Vec<String> = block
                .lines()
                .filter_map(|l| l.trim().strip_prefix('r').and_then(|r| r.split(' ').next()))
                .map(|id| format!("r{id}"))
                .collect();
            (ids[0].clone(), ids[1].clone())
        })
        .collect();
    // A pair asked again after an unknown key appears twice.
    let mut pairs = pairs;
    pairs.dedup();
    let (same, different) = (&pairs[0], &pairs[1]);
    let link = project.run(&["link", "--one-per-list", "-v", "--db", "demo/reckon.db"]);
    assert!(link.status.success(), "{}", stderr(&link));
    assert!(
        stdout(&link).contains("honoured 2 reviewers' decisions"),
        "{}",
        stdout(&link)
    );
    assert_eq!(person_of(&project, &same.0), person_of(&project, &same.1));
    assert_ne!(
        person_of(&project, &different.0),
        person_of(&project, &different.1)
    );
    // Decided pairs leave the queue.
    let text = stdout(
        &project.run_with_input(&["review", "--db", "demo/reckon.db", "--limit", "1"], "q\n"),
    );
    let shown = |id: &str| {
        text.lines()
            .any(|l| l.trim().starts_with(&format!("{id} ")))
    };
    assert!(!(shown(&same.0) && shown(&same.1)), "{text}");
    assert!(!(shown(&different.0) && shown(&different.1)), "{text}");
    let verify = project.run(&["verify", "--db", "demo/reckon.db"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}

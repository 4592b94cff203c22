//! `reckon review`: the review queue in the terminal.

use std::io::{BufRead, Write};

use reckon_service::review::{Pending, decide, pending};
use reckon_store::StoredRecord;

use crate::args::{Global, ReviewArgs};
use crate::commands::{count, open};

fn line_of(record: &StoredRecord) -> String {
    let r = &record.record;
    let mut parts = vec![r.display_name()];
    parts.extend(r.sex.map(|s| format!("{s:?}").to_lowercase()));
    parts.extend(r.age.map(|a| format!("age {a}")));
    parts.extend(r.birth_date.map(|d| format!("born {d}")));
    parts.extend(r.event_date.map(|d| d.to_string()));
    parts.extend(r.place.clone());
    format!(
        "r{:<6} {:<32} {}",
        record.id,
        record.source_name,
        parts.join(" | ")
    )
}

fn show(out: &mut impl Write, index: usize, total: usize, pair: &Pending) -> std::io::Result<()> {
    writeln!(
        out,
        "\npair {} of {}: the model's probability {:.3}",
        index + 1,
        total,
        pair.probability
    )?;
    writeln!(out, "  {}", line_of(&pair.a))?;
    writeln!(out, "  {}", line_of(&pair.b))?;
    for c in &pair.contributions {
        writeln!(
            out,
            "    {:<14} {:<34} {:>+6.1} bits",
            c.field, c.level, c.bits
        )?;
    }
    write!(
        out,
        "  [m] same person  [n] different persons  [s] skip  [q] quit; a reason may follow (\"n different fathers\")\n> "
    )?;
    out.flush()
}

pub(crate) fn run(global: &Global, args: &ReviewArgs) -> anyhow::Result<()> {
    let mut store = open(global)?;
    let queue = pending(&store)?;
    if queue.is_empty() {
        println!("no pairs wait for review (run `reckon link` first, or all are decided)");
        return Ok(());
    }
    let total = args.limit.map_or(queue.len(), |l| l.min(queue.len()));
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (mut decided, mut skipped) = (0, 0);
    'pairs: for (index, pair) in queue.iter().take(total).enumerate() {
        loop {
            show(&mut out, index, total, pair)?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                writeln!(out)?;
                break 'pairs;
            }
            let line = line.trim();
            let (key, reason) = match line.split_once(char::is_whitespace) {
                Some((key, reason)) => (key, Some(reason.trim()).filter(|r| !r.is_empty())),
                None => (line, None),
            };
            let same = match key {
                "m" | "M" => true,
                "n" | "N" => false,
                "s" | "S" | "" => {
                    skipped += 1;
                    break;
                }
                "q" | "Q" => break 'pairs,
                _ => {
                    writeln!(out, "  type m, n, s or q")?;
                    continue;
                }
            };
            decide(&mut store, pair.a.id, pair.b.id, same, &global.user, reason)?;
            decided += 1;
            break;
        }
    }
    writeln!(
        out,
        "{} stored as {}, {} skipped; run `reckon link` to apply them",
        count(decided, "decision", "decisions"),
        global.user,
        skipped
    )?;
    Ok(())
}

//! A database shaped like a real CRM export loaded with `import`: the public "CRM sales
//! opportunities" layout (sales agents under managers in regional offices, accounts,
//! seven products, stages Prospecting / Engaging / Won / Lost, an engage date that is
//! empty for prospects, a close date, a close value that is 0 for lost deals), converted
//! column by column the way a user does today. Deals only: no cost of goods, plans,
//! calls, surveys, tests, campaigns, invoices, inquiries or stage history; lost deals do
//! not say where they were lost; accounts have no owner and no churn date.
//! Included with `#[path = "common/crm.rs"] mod crm;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift), so the data is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const OFFICES: [&str; 3] = ["Central", "East", "West"];
const MANAGERS: [(&str, &str); 6] = [
    ("Dustin Brinkmann", "Central"),
    ("Melvin Marxen", "Central"),
    ("Cara Losch", "East"),
    ("Rocco Neubert", "East"),
    ("Celia Rouche", "West"),
    ("Summer Sewald", "West"),
];
const AGENTS: [&str; 12] = [
    "Anna Snelling",
    "Cecily Lampkin",
    "Versie Hillebrand",
    "Lajuana Vencill",
    "Moses Frase",
    "Jonathan Berthelot",
    "Marty Freudenburg",
    "Gladys Colclough",
    "Niesha Huffines",
    "Daniell Hammack",
    "Donn Cantrell",
    "James Ascencio",
];
const PRODUCTS: [(&str, i64); 7] = [
    ("GTX Basic", 550),
    ("GTX Pro", 4821),
    ("MG Special", 55),
    ("MG Advanced", 3393),
    ("GTX Plus Pro", 5482),
    ("GTX Plus Basic", 1096),
    ("GTK 500", 26768),
];
const ACCOUNTS: [&str; 20] = [
    "Acme Corporation",
    "Betasoloin",
    "Betatech",
    "Bioholding",
    "Bioplex",
    "Blackzim",
    "Bluth Company",
    "Cancity",
    "Codehow",
    "Condax",
    "Conecom",
    "Dalttechnology",
    "Dambase",
    "Domzoom",
    "Doncon",
    "Donquadtech",
    "Dontechi",
    "Donware",
    "Fasehatice",
    "Faxquote",
];

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The CSV files of the export, in salesboard's import format: (kind, text).
pub fn files() -> Vec<(&'static str, String)> {
    let mut teams = String::from("name,parent\n");
    for o in OFFICES {
        teams.push_str(&format!("{o},\n"));
    }
    for (m, o) in MANAGERS {
        teams.push_str(&format!("{m},{o}\n"));
    }
    // The export has no hiring dates: the user invents one.
    let mut reps = String::from("name,team,region,hired_on\n");
    for (i, a) in AGENTS.iter().enumerate() {
        let (m, o) = MANAGERS[i % MANAGERS.len()];
        reps.push_str(&format!("{a},{m},{o},2016-01-01\n"));
    }
    // Accounts: no owner, no churn; acquired when first engaged (invented too).
    let mut customers = String::from("name,region,acquired_on\n");
    for (i, a) in ACCOUNTS.iter().enumerate() {
        customers.push_str(&format!("{a},{},2026-0{}-01\n", OFFICES[i % 3], 1 + i % 5));
    }
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let mut deals =
        String::from("id,rep,customer,amount,product,location,created_at,stage,closed_at\n");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    for id in 1..=360 {
        let agent = AGENTS[rng.below(AGENTS.len() as u64) as usize];
        let office = MANAGERS[AGENTS.iter().position(|a| *a == agent).unwrap() % 6].1;
        let account = ACCOUNTS[rng.below(ACCOUNTS.len() as u64) as usize];
        let (product, price) = PRODUCTS[rng.below(PRODUCTS.len() as u64) as usize];
        let roll = rng.below(100);
        let engaged = start + chrono::Duration::days(rng.below(140) as i64);
        let close = (engaged + chrono::Duration::days(1 + rng.below(100) as i64)).min(last);
        let (stage, created, closed, amount) = match roll {
            // Won: the close value, near the list price.
            0..=47 => (
                "won",
                engaged,
                Some(close),
                price * (90 + rng.below(20) as i64) / 100,
            ),
            // Lost: close value 0, and no stage it was lost at.
            48..=75 => ("lost", engaged, Some(close), 0),
            // Engaging: an open opportunity without a value yet.
            76..=89 => ("qualified", engaged, None, 0),
            // Prospecting: no engage date at all; the user takes the export day.
            _ => ("lead", last - chrono::Duration::days(10), None, 0),
        };
        deals.push_str(&format!(
            "{id},{agent},{account},{amount},{product},{office},{created} 10:00,{stage},{}\n",
            closed.map(|c| format!("{c} 16:00")).unwrap_or_default()
        ));
    }
    vec![
        ("teams", teams),
        ("reps", reps),
        ("customers", customers),
        ("deals", deals),
    ]
}

/// Creates `dir/crm.db` and imports the export into it with the real binary; the currency
/// is set to USD, as the export's close values are dollars.
pub fn database(dir: &Path, bin: &Path) -> PathBuf {
    let db = dir.join("crm.db");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .env("SALESBOARD_CONFIG", "/nonexistent")
            .env("TZ", "UTC")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["init"]);
    run(&["settings", "currency", "USD"]);
    for (kind, text) in files() {
        let f = write(dir, &format!("{kind}.csv"), &text);
        run(&["import", kind, f.to_str().unwrap()]);
    }
    db
}

//! Prints what tvang reads in a Word or PDF document: the blocks, then the fields.
//! `cargo run --example read_document -- FILE`
fn main() {
    let path = std::env::args().nth(1).expect("usage: read_document FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let doc = if path.ends_with(".pdf") {
        tvang::import::document::pdf::read(&bytes)
    } else {
        tvang::import::document::docx::read(&bytes)
    }
    .expect("a readable document");
    println!("{doc:#?}");
    let labels = tvang::import::document::labels::Labels::built_in();
    println!(
        "{:#?}",
        tvang::import::document::fields::extract(&doc, &labels)
    );
}

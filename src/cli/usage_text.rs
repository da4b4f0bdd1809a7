//! The command line's usage errors in words: clap's own messages are English, and an inspector
//! who mistypes a flag should read what went wrong in the language of the rest of tvang. The
//! flags, commands and values themselves stay as typed (they are English by design).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::error::Error as _;

/// The message for a usage error in the command line `args` (program name first), or `None` for
/// help and version output, which clap prints.
pub fn usage_error(e: &clap::Error, command: &clap::Command, args: &[String]) -> Option<String> {
    let arg = string(e, ContextKind::InvalidArg);
    let value = string(e, ContextKind::InvalidValue);
    let first = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::UnknownArgument => match &arg {
            Some(a) => format!("ukjent argument «{a}»"),
            None => "ukjent argument".into(),
        },
        ErrorKind::InvalidSubcommand => match string(e, ContextKind::InvalidSubcommand) {
            Some(s) => format!("ukjent kommando «{s}»"),
            None => "ukjent kommando".into(),
        },
        ErrorKind::MissingSubcommand => match string(e, ContextKind::InvalidSubcommand) {
            Some(s) => format!("«{s}» trenger en underkommando"),
            None => "en underkommando mangler".into(),
        },
        ErrorKind::MissingRequiredArgument => {
            let missing = strings(e, ContextKind::InvalidArg);
            if missing.len() == 1 {
                format!("{} mangler", missing[0])
            } else {
                format!("disse mangler: {}", missing.join(", "))
            }
        }
        ErrorKind::InvalidValue => match (&arg, &value) {
            (Some(a), Some(v)) if v.is_empty() => format!("{a} trenger en verdi"),
            (Some(a), Some(v)) => format!("ugyldig verdi «{v}» for {a}"),
            _ => "ugyldig verdi".into(),
        },
        ErrorKind::ValueValidation => {
            let why = e.source().map(|s| source_words(&s.to_string()));
            match (&arg, &value, why) {
                (Some(a), Some(v), Some(why)) => format!("ugyldig verdi «{v}» for {a}: {why}"),
                (Some(a), Some(v), None) => format!("ugyldig verdi «{v}» for {a}"),
                _ => "ugyldig verdi".into(),
            }
        }
        ErrorKind::ArgumentConflict => {
            let prior = string(e, ContextKind::PriorArg)
                .or_else(|| strings(e, ContextKind::PriorArg).first().cloned());
            match (&arg, prior) {
                (Some(a), Some(p)) if *a == p => format!("{a} kan bare gis én gang"),
                (Some(a), Some(p)) => format!("{a} kan ikke brukes sammen med {p}"),
                (Some(a), None) => format!("{a} kan ikke brukes sammen med de andre argumentene"),
                _ => "argumenter som ikke kan brukes sammen".into(),
            }
        }
        ErrorKind::TooManyValues => match (&arg, &value) {
            (Some(a), Some(v)) => format!("uventet verdi «{v}» etter {a}"),
            _ => "for mange verdier".into(),
        },
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => match &arg {
            Some(a) => format!("feil antall verdier for {a}"),
            None => "feil antall verdier".into(),
        },
        ErrorKind::NoEquals => match &arg {
            Some(a) => format!("skriv verdien med likhetstegn: {a}=VERDI"),
            None => "skriv verdien med likhetstegn".into(),
        },
        ErrorKind::InvalidUtf8 => "et argument er ikke gyldig UTF-8".into(),
        _ => return Some(format!("ugyldig kommandolinje: {}", e.kind())),
    };
    let mut lines = vec![format!("tvang: {first}")];
    let valid = strings(e, ContextKind::ValidValue);
    if !valid.is_empty() {
        lines.push(format!("  gyldige verdier: {}", valid.join(", ")));
    }
    let subcommands = strings(e, ContextKind::ValidSubcommand);
    if !subcommands.is_empty() && e.kind() == ErrorKind::MissingSubcommand {
        lines.push(format!("  underkommandoer: {}", subcommands.join(", ")));
    }
    let suggestions = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .flat_map(|kind| strings(e, kind))
    .collect::<Vec<_>>();
    if !suggestions.is_empty() {
        lines.push(format!("  mente du {}?", or_list(&suggestions)));
    }
    if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        lines.push(format!("  bruk: {usage}"));
    }
    lines.push(format!(
        "  mer hjelp: {} --help",
        command_path(command, args)
    ));
    Some(lines.join("\n"))
}

/// The messages of the standard parsers (numbers, ranges) in words; tvang's own parsers already
/// speak Norwegian.
fn source_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("invalid digit found in string", "ikke et heltall"),
        ("cannot parse integer from empty string", "tom verdi"),
        (
            "number too large to fit in target type",
            "tallet er for stort",
        ),
        (
            "number too small to fit in target type",
            "tallet er for lite",
        ),
        ("invalid float literal", "ikke et tall"),
    ];
    if let Some((_, norsk)) = WORDS.iter().find(|(english, _)| *english == message) {
        return norsk.to_string();
    }
    // clap's range check: "1 is not in 2..=18446744073709551615".
    if let Some((_, range)) = message.split_once(" is not in ") {
        return match range.split_once("..=") {
            Some((low, high)) if high.len() >= 18 => format!("må være minst {low}"),
            Some((low, high)) => format!("må være fra {low} til {high}"),
            None => format!("utenfor {range}"),
        };
    }
    message.to_string()
}

/// `tvang session new` for an error in `tvang session new …`: the subcommands named in `args`.
fn command_path(command: &clap::Command, args: &[String]) -> String {
    let mut path = vec![command.get_name().to_string()];
    let mut current = command;
    for arg in args.iter().skip(1) {
        if let Some(sub) = current.find_subcommand(arg) {
            path.push(sub.get_name().to_string());
            current = sub;
        }
    }
    path.join(" ")
}

fn or_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("«{s}»")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} eller {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    }
}

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    fn error_of(args: &[&str]) -> String {
        let e = match crate::cli::Cli::try_parse_from(args) {
            Ok(_) => panic!("{args:?} parsed"),
            Err(e) => e,
        };
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        usage_error(&e, &crate::cli::Cli::command(), &args).expect("a usage error")
    }

    #[test]
    fn an_unknown_flag_is_named_with_the_usage_and_where_to_get_help() {
        let m = error_of(&["tvang", "--bogus"]);
        assert!(m.starts_with("tvang: ukjent argument «--bogus»"), "{m}");
        assert!(m.contains("bruk: tvang [OPTIONS] [COMMAND]"), "{m}");
        assert!(m.contains("mer hjelp: tvang --help"), "{m}");
        assert!(!m.contains("unexpected"), "{m}");
    }

    #[test]
    fn a_mistyped_command_gets_a_suggestion() {
        let m = error_of(&["tvang", "lst"]);
        assert!(m.contains("ukjent kommando «lst»"), "{m}");
        assert!(m.contains("mente du «list»?"), "{m}");
    }

    #[test]
    fn a_missing_argument_names_it_and_the_subcommands_help() {
        let m = error_of(&["tvang", "import"]);
        assert!(m.contains("<PATH>... mangler"), "{m}");
        assert!(m.contains("mer hjelp: tvang import --help"), "{m}");
    }

    #[test]
    fn a_bad_number_and_a_bad_choice_say_why_and_what_is_valid() {
        let m = error_of(&["tvang", "list", "--limit", "abc"]);
        assert!(
            m.contains("ugyldig verdi «abc» for --limit <LIMIT>: ikke et heltall"),
            "{m}"
        );
        let m = error_of(&["tvang", "stats", "--by", "week"]);
        assert!(m.contains("ugyldig verdi «week» for --by"), "{m}");
        assert!(m.contains("gyldige verdier: year"), "{m}");
        assert!(m.contains("mer hjelp: tvang stats --help"), "{m}");
        let m = error_of(&[
            "tvang",
            "--db",
            "x",
            "session",
            "new",
            "--from",
            "2024-13-01",
        ]);
        assert!(m.contains("mer hjelp: tvang session new --help"), "{m}");
    }

    #[test]
    fn help_and_version_are_left_to_clap() {
        let e = crate::cli::Cli::try_parse_from(["tvang", "--help"])
            .err()
            .unwrap();
        assert_eq!(usage_error(&e, &crate::cli::Cli::command(), &[]), None);
    }

    #[test]
    fn range_messages_read_as_bounds() {
        assert_eq!(
            source_words("1 is not in 2..=18446744073709551615"),
            "må være minst 2"
        );
        assert_eq!(source_words("9 is not in 1..=5"), "må være fra 1 til 5");
        assert_eq!(source_words("something else"), "something else");
    }
}

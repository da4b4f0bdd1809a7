//! The names of the domain's values as inspectors read them: statuses, lawfulness checks, triage
//! flags, filter errors. Shared by every surface (TUI, CLI, session reports).

use crate::queue::FilterParseError;
use crate::review::{Assessment, CheckItem, Status};
use crate::triage::TriageFlag;

pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Ny => "ny",
        Status::Gjennomgatt => "gjennomgått",
        Status::Oppfolging => "oppfølging",
        Status::Mottatt => "mottatt",
        Status::UnderBehandling => "under behandling",
        Status::Avgjort => "avgjort",
    }
}

pub fn check_label(c: CheckItem) -> &'static str {
    match c {
        CheckItem::AkuttFare => "Akutt fare",
        CheckItem::FareGjenstand => "Fare for liv, helse, eiendom",
        CheckItem::StrengtNodvendig => "Strengt nødvendig",
        CheckItem::Forholdsmessig => "Forholdsmessig",
        CheckItem::OpphortStraks => "Opphørt straks",
        CheckItem::IsolasjonKrav => "Krav til isolasjon",
        CheckItem::Formaal => "Formål: avverge skade",
        CheckItem::ForebyggingEtterarbeid => "Forebygging og etterarbeid",
        CheckItem::Saksbehandling => "Saksbehandling",
    }
}

pub fn assessment_label(a: Option<Assessment>) -> &'static str {
    match a {
        Some(Assessment::Oppfylt) => "oppfylt",
        Some(Assessment::IkkeOppfylt) => "IKKE OPPFYLT",
        Some(Assessment::IkkeVurderbar) => "ikke vurderbar (mangler dokumentasjon)",
        None => "—",
    }
}

pub fn triage_label(f: TriageFlag) -> &'static str {
    match f {
        TriageFlag::Injury => "skade",
        TriageFlag::Isolation => "isolasjon",
        TriageFlag::Police => "politi",
        TriageFlag::LongDuration => "lang varighet",
        TriageFlag::SeveralMeasures => "flere tiltak samtidig",
        TriageFlag::Repeated => "gjentatt tvang mot samme barn",
        TriageFlag::Late => "sent forelagt",
        TriageFlag::MissingChildStatement => "barnets syn mangler",
        TriageFlag::NotInformedOfComplaintRight => "ikke informert om klageadgang",
        TriageFlag::UnknownProvision => "ukjent hjemmel",
        TriageFlag::SimilarNarrative => "nesten lik tekst som tidligere",
        TriageFlag::ToCheck => "til kontroll mot dokumentet",
    }
}

pub fn filter_error(e: &FilterParseError) -> String {
    let keys = crate::queue::FILTER_KEYS.join(", ");
    match e {
        FilterParseError::NotAPair(t) => {
            format!("«{t}» er ikke på formen nøkkel=verdi (nøkler: {keys}).")
        }
        FilterParseError::UnknownKey(k) => format!("Ukjent filter «{k}» (kjente: {keys})."),
        FilterParseError::BadValue { key, value } => {
            let hint = match key.as_str() {
                "status" => " (ny, gjennomgatt, oppfolging, mottatt, under_behandling, avgjort)",
                "from" | "to" => " (ÅÅÅÅ-MM-DD)",
                "complaint" => " (yes/no)",
                "flag" | "flags" => " (injury, isolation, police, long_duration, several_measures, repeated, late, missing_child_statement, not_informed_of_complaint_right, unknown_provision, similar_narrative)",
                _ => "",
            };
            format!("Ugyldig verdi «{value}» for {key}{hint}.")
        }
    }
}

//! The names of the domain's values as inspectors read them: statuses, lawfulness checks, triage
//! flags, filter errors. Shared by every surface (TUI, CLI, session reports).

use crate::flags::Flag;
use crate::model::{Complainant, Injury, Outcome, Police};
use crate::review::{Assessment, Status};
use crate::selection::{FilterParseError, FILTER_KEYS};
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

/// A condition's wording in the catalogue, or its id when the catalogue has none.
pub fn condition_label(catalogue: &crate::catalogue::Catalogue, id: &str) -> String {
    catalogue
        .condition(id)
        .map_or_else(|| id.to_string(), |c| c.label.clone())
}

/// The heading of a group of the checklist: `§ 10-7 Bruk av tvang i akutte faresituasjoner`.
pub fn group_label(of: crate::checklist::GroupOf) -> String {
    use crate::checklist::GroupOf;
    match of {
        GroupOf::Provision(p) => format!("§ {} {}", p.section, p.title),
        GroupOf::Common => "Felles for alle tiltak".into(),
        GroupOf::Other => "Andre vurderte vilkår".into(),
    }
}

/// Said of a checklist offered without the protocol it is about.
pub const CHECKLIST_ASSUMED: &str =
    "Klagen er ikke koblet til en protokoll: vilkårene for § 10-7 er vist";

pub fn assessment_label(a: Option<Assessment>) -> &'static str {
    match a {
        Some(Assessment::Oppfylt) => "oppfylt",
        Some(Assessment::IkkeOppfylt) => "IKKE OPPFYLT",
        Some(Assessment::IkkeVurderbar) => "ikke vurderbar (mangler dokumentasjon)",
        Some(Assessment::IkkeAktuelt) => "ikke aktuelt",
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
        TriageFlag::WrittenAfterReceived => flag_label(Flag::WrittenAfterReceived),
        TriageFlag::OverTimeLimit => flag_label(Flag::OverTimeLimit),
        TriageFlag::PlacementBasisMismatch => flag_label(Flag::PlacementBasisMismatch),
        TriageFlag::ProvisionNotInForce => flag_label(Flag::ProvisionNotInForce),
        TriageFlag::ComplaintExpected => "ønsket å klage, ingen klage kommet",
        TriageFlag::IsolatedTwiceSameDay => "isolert ved to institusjoner samme dag",
    }
}

pub fn filter_error(e: &FilterParseError) -> String {
    let keys = FILTER_KEYS.join(", ");
    match e {
        FilterParseError::NotAPair(t) => {
            format!("«{t}» er ikke på formen nøkkel=verdi (nøkler: {keys}).")
        }
        FilterParseError::UnknownKey(k) => format!("Ukjent filter «{k}» (kjente: {keys})."),
        FilterParseError::BadValue { key, value } => {
            let hint = match key.as_str() {
                "status" => " (ny, gjennomgatt, oppfolging, mottatt, under_behandling, avgjort)",
                "from" | "to" => " (ÅÅÅÅ-MM-DD)",
                "complaint" | "overdue" | "forfalt" => " (yes/no, ja/nei)",
                "flag" | "flags" => " (injury, isolation, police, long_duration, several_measures, repeated, late, missing_child_statement, not_informed_of_complaint_right, unknown_provision, similar_narrative)",
                _ => "",
            };
            format!("Ugyldig verdi «{value}» for {key}{hint}.")
        }
    }
}

pub fn flag_label(flag: Flag) -> &'static str {
    match flag {
        Flag::UnknownProvision => "ukjent hjemmel",
        Flag::LegacyProvision => "gammel hjemmel (før 2023)",
        Flag::MissingKind => "tiltakstype mangler",
        Flag::UnknownKind => "ukjent tiltakstype",
        Flag::MissingEndTime => "sluttidspunkt mangler",
        Flag::MissingChildStatement => "barnets syn mangler",
        Flag::MissingJustification => "begrunnelse mangler",
        Flag::MissingChildRef => "barnereferanse mangler",
        Flag::MissingReceivedAt => "dato forelagt statsforvalteren mangler",
        Flag::ReceivedBeforeIncident => "mottatt før hendelsen (datofeil)",
        Flag::MissingRegion => "statsforvalter mangler",
        Flag::UnknownRegion => "ukjent statsforvalter",
        Flag::NotInformedOfComplaintRight => "ikke informert om klageadgang",
        Flag::IdentityNumber => "fødselsnummer i teksten",
        Flag::ToCheck => "til kontroll (lest fra dokument)",
        Flag::HelpTextLeft => "veiledningstekst står igjen",
        Flag::WrittenAfterReceived => "skrevet etter at den ble forelagt",
        Flag::OverTimeLimit => "over tidsgrensen (§ 10-9: 14 dager)",
        Flag::PlacementBasisMismatch => "hjemmel passer ikke plasseringsgrunnlaget",
        Flag::ProvisionNotInForce => "hjemmel ikke i kraft på datoen",
    }
}

/// Why a flag matters, for the detail view.
pub fn flag_explanation(flag: Flag) -> &'static str {
    match flag {
        Flag::UnknownProvision => {
            "Minst ett tiltak viser til en hjemmel tvang ikke kjenner igjen; kontroller hjemmelen."
        }
        Flag::LegacyProvision => {
            "Tiltaket viser til regelverk fra før 1. januar 2023 (rettighetsforskriften / bvl 1992)."
        }
        Flag::MissingKind => "Protokollen sier ikke hvilket tiltak som ble brukt.",
        Flag::UnknownKind => "Tiltakstypen finnes ikke i katalogen; den er lagret slik institusjonen skrev den.",
        Flag::MissingEndTime => {
            "Uten sluttidspunkt kan ikke varigheten vurderes (tvangen skal opphøre straks)."
        }
        Flag::MissingChildStatement => "Barnets syn er ikke dokumentert (medvirkning).",
        Flag::MissingJustification => {
            "Begrunnelsen mangler: hvorfor tvangen var strengt nødvendig og hva som ble forsøkt først."
        }
        Flag::MissingChildRef => "Protokollen kan ikke knyttes til et barn; gjentatt tvang kan ikke oppdages.",
        Flag::MissingReceivedAt => "Det er ikke oppgitt når protokollen ble forelagt statsforvalteren.",
        Flag::ReceivedBeforeIncident => "Mottaksdatoen er før hendelsen; en av datoene er feil.",
        Flag::MissingRegion => "Protokollen oppgir ikke hvilken statsforvalter den hører til.",
        Flag::UnknownRegion => "Statsforvalteren kjennes ikke igjen; teksten er lagret slik den sto.",
        Flag::NotInformedOfComplaintRight => {
            "Barnet ble ikke informert om retten til å klage (bvl § 10-14)."
        }
        Flag::IdentityNumber => {
            "Institusjonen har skrevet et fødselsnummer eller D-nummer i protokollen. Det vises maskert; avslør bare ved behov (loggføres)."
        }
        Flag::ToCheck => {
            "Protokollen er lest fra et dokument, og noen felt manglet eller kunne ikke leses sikkert; kontroller dem mot originalen."
        }
        Flag::HelpTextLeft => {
            "Malens veiledningstekst (blå tekst eller [instruksjon]) står igjen i dokumentet; den er ikke lest som verdi."
        }
        Flag::WrittenAfterReceived => {
            "Protokollen er datert senere enn den ble forelagt statsforvalteren; en av datoene er feil, eller den er skrevet i ettertid."
        }
        Flag::OverTimeLimit => {
            "Et tiltak varte lenger enn hjemmelen tillater: etter § 10-9 høyst 14 dager per vedtak. Elektroniske kommunikasjonsmidler kan begrenses inntil 4 uker fra barnets ankomst; kontroller i så fall ankomstdatoen."
        }
        Flag::PlacementBasisMismatch => {
            "Tiltaket er etter § 10-9, som gjelder barn plassert på særlig grunnlag (atferd), men barnet er plassert frivillig eller på et annet grunnlag."
        }
        Flag::ProvisionNotInForce => {
            "Hjemmelen var ikke i kraft da tiltaket ble brukt: barnevernsloven 2021 gjelder fra 1. januar 2023, rettighetsforskriften og barnevernloven 1992 til og med 31. desember 2022."
        }
    }
}

pub fn police_label(p: Police) -> &'static str {
    match p {
        Police::None => "ikke involvert",
        Police::WithStaff => "sammen med ansatte",
        Police::Alone => "politiet alene",
    }
}

pub fn injury_label(i: Injury) -> &'static str {
    match i {
        Injury::None => "ingen",
        Injury::Child => "barnet",
        Injury::Staff => "ansatte",
        Injury::Both => "barnet og ansatte",
    }
}

pub fn complainant_label(c: Complainant) -> &'static str {
    match c {
        Complainant::Barnet => "barnet",
        Complainant::Foresatte => "foresatte",
        Complainant::Annen => "annen",
    }
}

pub fn outcome_label(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Medhold) => "medhold",
        Some(Outcome::DelvisMedhold) => "delvis medhold",
        Some(Outcome::IkkeMedhold) => "ikke medhold (stadfestet)",
        Some(Outcome::Avvist) => "avvist",
        Some(Outcome::OpphevetHjemvist) => "opphevet og sendt tilbake",
        Some(Outcome::Trukket) => "trukket",
        None => "ikke avgjort",
    }
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nei"
    }
}

pub const TOTAL: &str = "Totalt";

pub const NO_PROVISION: &str = "(ingen hjemmel)";

/// A filter key in words, as the filter bar and a session's selection name it.
pub fn filter_key_label(key: &str) -> &'static str {
    match key {
        "status" => "status",
        "provision" => "hjemmel",
        "kind" => "tiltak",
        "institution" => "institusjon",
        "region" => "statsforvalter",
        "flag" => "flagg",
        "from" => "fra",
        "to" => "til",
        "complaint" => "klage",
        "tag" => "etikett",
        "overdue" => "forfalt",
        "child" => "barn",
        _ => "?",
    }
}

/// A filter's value in words: statuses and flags by their Norwegian names, a section number as
/// `§ 10-7`, dates as `01.03.2024`, yes and no in Norwegian; the rest as typed.
pub fn filter_value_label(key: &str, value: &str) -> String {
    let each = |label: &dyn Fn(&str) -> String| -> String {
        value.split(',').map(label).collect::<Vec<_>>().join(", ")
    };
    match key {
        // The queue filters by triage flags, `tvang stats` by data-quality flags.
        "flag" => each(
            &|name| match (TriageFlag::from_name(name), Flag::from_name(name)) {
                (Some(f), _) => triage_label(f).to_string(),
                (None, Some(f)) => flag_label(f).to_string(),
                (None, None) => name.replace('_', " "),
            },
        ),
        "child" => crate::privacy::mask(value).into_owned(),
        "status" => each(&|name| {
            Status::from_name(name)
                .map_or_else(|| name.replace('_', " "), |s| status_label(s).into())
        }),
        "provision" if value.starts_with(|c: char| c.is_ascii_digit()) => format!("§ {value}"),
        "from" | "to" => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_or_else(|_| value.to_string(), |d| d.format("%d.%m.%Y").to_string()),
        "complaint" | "overdue" => match value {
            "yes" | "true" => "ja".into(),
            "no" | "false" => "nei".into(),
            other => other.replace('_', " "),
        },
        _ => value.replace('_', " "),
    }
}

/// Which date counts in the statistics, as the screen's tab line and a report's selection say it.
pub fn date_basis_label(basis: crate::stats::DateBasis) -> &'static str {
    use crate::stats::DateBasis as B;
    match basis {
        B::Own => "dato: hver sin",
        B::Incident => "dato: hendelsen",
        B::Received => "dato: mottatt",
        B::Decided => "dato: avgjort",
    }
}

#[cfg(test)]
mod filter_words {
    use super::*;

    #[test]
    fn a_filter_reads_in_words() {
        let said =
            |k: &str, v: &str| format!("{}: {}", filter_key_label(k), filter_value_label(k, v));
        assert_eq!(said("provision", "10-7"), "hjemmel: § 10-7");
        assert_eq!(said("provision", "bvl-10-7"), "hjemmel: bvl-10-7");
        assert_eq!(said("status", "ny,gjennomgatt"), "status: ny, gjennomgått");
        assert_eq!(said("flag", "injury"), "flagg: skade");
        assert_eq!(
            said("flag", "identity_number"),
            "flagg: fødselsnummer i teksten"
        );
        assert_eq!(said("from", "2024-03-01"), "fra: 01.03.2024");
        assert_eq!(said("complaint", "yes"), "klage: ja");
        assert_eq!(
            said("institution", "Solbakken_ungdomshjem"),
            "institusjon: Solbakken ungdomshjem"
        );
        assert_eq!(said("child", "54880812370"), "barn: 548808 *****");
    }
}

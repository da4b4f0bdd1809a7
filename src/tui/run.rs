//! The input loop: the only place that touches the terminal.

use super::keymap::{Key, KeyCode};
use super::state::App;
use super::view;
use ratatui::crossterm::event::{self, Event, KeyEventKind, KeyModifiers};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A crossterm key event as a keymap key.
pub fn key_of(e: &event::KeyEvent) -> Option<Key> {
    use event::KeyCode as C;
    let code = match e.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let is_char = matches!(code, KeyCode::Char(_) | KeyCode::BackTab);
    Some(Key {
        code,
        ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
        alt: e.modifiers.contains(KeyModifiers::ALT),
        // Characters carry their case; shift matters only for the other keys.
        shift: !is_char && e.modifiers.contains(KeyModifiers::SHIFT),
    })
}

/// Runs the TUI until the user quits or the process is asked to stop (SIGTERM, SIGHUP). The
/// terminal is restored on every way out, panics included (ratatui's hook).
pub fn run(app: &mut App) -> std::io::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    watch_for_stop(Arc::clone(&stop), Arc::clone(&app.store));
    let mut terminal = ratatui::init();
    // Outermost, so a caught panic in a document reader does not restore the terminal.
    crate::quiet_panics::install();
    let result = event_loop(app, &mut terminal, &stop);
    ratatui::restore();
    result
}

/// When the terminal hangs up, crossterm's poll can spin on end-of-input and never return to the
/// loop that would see the signal. Every saved change is flushed when it is made, so a watchdog
/// may end the process: it waits a moment for the loop to stop by itself, then flushes once more,
/// restores the terminal as well as it can, and exits.
fn watch_for_stop(stop: Arc<AtomicBool>, store: Arc<crate::store::Store>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(100));
        if stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(500));
            let _ = store.flush();
            ratatui::restore();
            std::process::exit(0);
        }
    });
}

fn event_loop(
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut dirty = true;
    while !app.quit && !stop.load(Ordering::Relaxed) {
        if dirty {
            terminal.draw(|frame| view::render(app, frame))?;
            dirty = false;
            // Once the first frame is up: the search index, on its own thread.
            app.start_search_index();
        }
        // Wake up now and then to notice signals and import progress.
        let timeout = if app.import.is_some() { 50 } else { 250 };
        if event::poll(Duration::from_millis(timeout))? {
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    if let Some(key) = key_of(&k) {
                        app.on_key(key);
                        dirty = true;
                    }
                }
                Event::Resize(w, h) => {
                    app.resize(w, h);
                    dirty = true;
                }
                _ => {}
            }
        }
        if app.poll_import() {
            dirty = true;
        }
        // Where the inspector is in a session, at most a second behind (a kill loses no more).
        app.persist_session(false);
    }
    app.persist_session(true);
    Ok(())
}

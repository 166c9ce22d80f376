//! (being written)
use crate::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn draw(_f: &mut Frame, _area: Rect, _app: &App) {}

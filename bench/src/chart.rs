//! bench/ratios.png: one panel per throughput workload, a horizontal bar per client with its
//! median ratio to the raw curl Multi loop, and a line at 1.0. Drawn with plotters' bitmap
//! backend; the text uses font8x8's built-in 8x8 glyphs, so no system font is needed.
use crate::plan::Kind;
use crate::report::stats;
use crate::Run;
use plotters::prelude::*;
use std::path::Path;

const W: i32 = 2000;
const PANEL_H: i32 = 360;
const COLS: i32 = 2;

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// Draws `text` with its top-left corner at (x, y), each font pixel `scale` pixels wide.
fn text(area: &Area, x: i32, y: i32, s: &str, scale: i32, color: RGBColor) {
    for (i, ch) in s.chars().enumerate() {
        let glyph = font8x8::legacy::BASIC_LEGACY[if (ch as u32) < 128 { ch as usize } else { b'?' as usize }];
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..8 {
                if bits >> col & 1 == 1 {
                    let px = x + (i as i32 * 8 + col) * scale;
                    let py = y + row as i32 * scale;
                    let _ = area.draw(&Rectangle::new([(px, py), (px + scale - 1, py + scale - 1)], color.filled()));
                }
            }
        }
    }
}

fn color_of(label: &str) -> RGBColor {
    match label.split('-').next().unwrap_or("") {
        "ohos" => RGBColor(33, 102, 204),
        "curl" => RGBColor(120, 120, 120),
        "isahc" => RGBColor(230, 126, 34),
        s if s.starts_with("reqwest") => RGBColor(39, 160, 80),
        s if s.starts_with("ureq") => RGBColor(142, 68, 173),
        _ => RGBColor(80, 80, 80),
    }
}

fn short_title(id: &str) -> &'static str {
    match id {
        "W1" => "W1  1 KiB GET, 1 at a time (req/s)",
        "W2" => "W2  1 KiB GET, 64 in flight, 64/host (req/s)",
        "W2d" => "W2d 64 in flight, ohos default pool 6/host",
        "W3" => "W3  100 MiB GET, whole body (MB/s)",
        "W3s" => "W3s 100 MiB GET, streamed (MB/s)",
        "W4" => "W4  TLS + HTTP/2, 64 in flight (req/s)",
        "W5" => "W5  1,000 at once (drain rate)",
        "W7h" => "W7h 5,000 in flight, held 1 s (drain rate)",
        "W7" => "W7  10,000 in flight, held 1 s (drain rate)",
        _ => "",
    }
}

pub fn draw(run: &Run, path: &Path) -> Result<(), String> {
    let groups: Vec<_> =
        run.groups.iter().filter(|g| matches!(g.kind, Kind::Rate | Kind::Bulk | Kind::Burst)).collect();
    if groups.is_empty() {
        return Ok(());
    }
    let rows = (groups.len() as i32 + COLS - 1) / COLS;
    let h = 70 + rows * PANEL_H;
    let root = BitMapBackend::new(path, (W as u32, h as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let black = RGBColor(20, 20, 20);
    text(&root, 20, 14, "ohos-http vs raw libcurl and Rust peers: ratio to the raw curl Multi loop", 3, black);
    text(
        &root,
        20,
        46,
        &format!("median over {} rounds, same-round ratios; {}", run.settings.rounds, run.started),
        2,
        black,
    );
    let pw = W / COLS;
    for (i, g) in groups.iter().enumerate() {
        let x0 = (i as i32 % COLS) * pw;
        let y0 = 70 + (i as i32 / COLS) * PANEL_H;
        let rows: Vec<(String, f64)> =
            g.entries.iter().filter_map(|e| stats(run, g, &e.label).map(|s| (e.label.clone(), s.ratio))).collect();
        text(&root, x0 + 16, y0 + 12, short_title(g.id), 2, black);
        let max = rows.iter().map(|r| r.1).filter(|r| r.is_finite()).fold(1.5f64, f64::max);
        let max = (max * 4.0).ceil() / 4.0;
        let (bx0, bx1) = (x0 + 380, x0 + pw - 110);
        let scale = |r: f64| bx0 + ((bx1 - bx0) as f64 * (r / max)).round() as i32;
        let row_h = ((PANEL_H - 60) / rows.len().max(1) as i32).min(26);
        let top = y0 + 40;
        let bottom = top + row_h * rows.len() as i32;
        // grid lines every 0.25, the 1.0 line darker
        let mut t = 0.0;
        while t <= max + 1e-9 {
            let x = scale(t);
            let c = if (t - 1.0).abs() < 1e-9 { RGBColor(200, 30, 30) } else { RGBColor(225, 225, 225) };
            let _ = root.draw(&Rectangle::new([(x, top - 4), (x + 1, bottom + 2)], c.filled()));
            if ((t * 2.0).round() - t * 2.0).abs() < 1e-9 {
                text(&root, x - 12, bottom + 6, &format!("{t:.1}"), 1, black);
            }
            t += 0.25;
        }
        for (k, (label, r)) in rows.iter().enumerate() {
            let y = top + k as i32 * row_h;
            text(&root, x0 + 16, y + (row_h - 16) / 2, label, 2, black);
            if r.is_finite() {
                let c = color_of(label);
                let _ = root.draw(&Rectangle::new([(bx0, y + 3), (scale(*r).max(bx0 + 1), y + row_h - 3)], c.filled()));
                text(&root, scale(*r) + 8, y + (row_h - 16) / 2, &format!("{r:.2}"), 2, black);
            } else {
                text(&root, bx0 + 8, y + (row_h - 16) / 2, "failed", 2, RGBColor(200, 30, 30));
            }
        }
    }
    root.present().map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

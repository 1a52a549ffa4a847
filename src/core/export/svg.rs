//! SVG export: one Inkscape/vpype layer group per layer, physical size in millimetres.

use std::fmt::Write as _;

use super::fmt::push_short;
use crate::core::drawing::Drawing;
use crate::ops::Rgba;

/// Decimals of coordinates in SVG files (1 µm).
const DECIMALS: u32 = 3;

/// Text for an XML attribute value: escaped, and control characters (not allowed in
/// XML, or turned into spaces by readers anyway) replaced by spaces.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The scene a drawing was rendered from, embedded in the SVG's metadata so that a
/// plotted sheet can be traced back to its recipe and made again.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneSource {
    /// The scene file's text (RON).
    pub text: String,
    /// The time the drawing was rendered at.
    pub t: f64,
    /// The graft version that rendered it.
    pub version: String,
    /// Export settings that change the geometry written (`--layout a4 --margin 10`,
    /// `--scale-to 150x100`, `--sort-travel`), so a re-render applies them again; empty
    /// when there were none.
    pub export: String,
}

/// Namespace of graft's SVG metadata.
pub const GRAFT_SVG_NAMESPACE: &str = "https://graft.invalid/scene/1";

/// The drawing as an SVG document. Deterministic: the same drawing gives the same bytes.
pub fn to_svg(drawing: &Drawing) -> String {
    to_svg_with_scene(drawing, None)
}

/// The scene embedded in an SVG written by [`to_svg_with_scene`], if there is one.
pub fn scene_in_svg(text: &str) -> Option<SceneSource> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let node = doc.descendants().find(|n| {
        n.tag_name().name() == "scene" && n.tag_name().namespace() == Some(GRAFT_SVG_NAMESPACE)
    })?;
    Some(SceneSource {
        text: node.text().unwrap_or_default().to_string(),
        t: node.attribute("t")?.parse().ok()?,
        version: node.attribute("version").unwrap_or_default().to_string(),
        export: node.attribute("export").unwrap_or_default().to_string(),
    })
}

/// [`to_svg`] with the scene it came from in the metadata (CDATA, so the text is kept
/// byte for byte).
pub fn to_svg_with_scene(drawing: &Drawing, scene: Option<&SceneSource>) -> String {
    let (w, h) = (drawing.canvas.width, drawing.canvas.height);
    let points: usize = drawing
        .layers
        .iter()
        .map(|l| l.geometry.point_count())
        .sum();
    let mut out = String::with_capacity(1024 + points * 16);
    let num = |out: &mut String, v: f64| push_short(out, v, DECIMALS);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" xmlns:sodipodi=\"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd\" version=\"1.1\"");
    out.push_str(" width=\"");
    num(&mut out, w);
    out.push_str("mm\" height=\"");
    num(&mut out, h);
    out.push_str("mm\" viewBox=\"0 0 ");
    num(&mut out, w);
    out.push(' ');
    num(&mut out, h);
    out.push_str("\">\n");
    // The paper colour is page metadata: plotter tools must not draw it.
    let _ = writeln!(
        out,
        "<sodipodi:namedview pagecolor=\"{}\" inkscape:document-units=\"mm\"/>",
        drawing.canvas.background.to_hex()
    );
    if let Some(scene) = scene {
        let _ = write!(
            out,
            "<metadata><graft:scene xmlns:graft=\"{GRAFT_SVG_NAMESPACE}\" t=\"{}\" version=\"{}\"{}><![CDATA[{}]]></graft:scene></metadata>\n",
            scene.t,
            escape(&scene.version),
            if scene.export.is_empty() {
                String::new()
            } else {
                format!(" export=\"{}\"", escape(&scene.export))
            },
            // "]]>" cannot appear inside CDATA: split it across two sections.
            scene.text.replace("]]>", "]]]]><![CDATA[>")
        );
    }
    for (i, layer) in drawing.layers.iter().enumerate() {
        // Colour as #rrggbb, alpha as stroke-opacity: renderers that ignore #rrggbbaa
        // would draw a translucent pen opaque.
        let [r, g, b, alpha] = layer.color.0;
        let _ = write!(
            out,
            // The number first: AxiDraw's layer mode plots layers by that number, and
            // vpype reads the same label.
            "<g id=\"layer{}\" inkscape:groupmode=\"layer\" inkscape:label=\"{} {}\" fill=\"none\" stroke=\"{}\"",
            i + 1,
            i + 1,
            escape(&layer.name),
            Rgba([r, g, b, 1.0]).to_hex()
        );
        if alpha < 1.0 {
            out.push_str(" stroke-opacity=\"");
            num(&mut out, alpha.clamp(0.0, 1.0) as f64);
            out.push('"');
        }
        out.push_str(" stroke-width=\"");
        num(&mut out, layer.pen_width);
        out.push_str("\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n");
        for line in layer.geometry.lines().filter(|l| l.len() >= 2) {
            out.push_str("<path d=\"M");
            for (j, p) in line.iter().enumerate() {
                if j == 1 {
                    out.push_str(" L");
                }
                out.push(' ');
                num(&mut out, p.x as f64);
                out.push(',');
                num(&mut out, p.y as f64);
            }
            out.push_str("\"/>\n");
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

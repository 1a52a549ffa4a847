//! `svg`: the paths and shapes of an SVG file as polylines, in millimetres.
//!
//! usvg parses the file (shapes become paths, transforms and the viewBox are resolved,
//! units honoured); curves are flattened by kurbo within the tolerance, after the
//! transform, so the tolerance holds on paper. Inkscape/vpype layers are selected by
//! label or id.

use std::collections::HashMap;
use std::sync::Arc;

use kurbo::{BezPath, PathEl, Point};

use crate::geometry::{IdHasher, MAX_COORDINATE_MM, Polylines, Vec3};

use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Largest SVG file read.
const MAX_SVG_BYTES: u64 = 256 << 20;
/// Millimetres per CSS pixel (usvg's user unit at 96 dpi).
const MM_PER_PX: f64 = 25.4 / 96.0;
/// The drawing bundled under the name `sample`.
const SAMPLE: &[u8] = include_bytes!("../../../../assets/svg/sample.svg");

crate::op! {
    /// reads the paths and shapes of an SVG file (units, viewBox, transforms and groups honoured; curves flattened within `tolerance`); `layers` picks Inkscape/vpype layers by label or id
    #[op(primitive, name = "svg", version = 1)]
    pub struct SvgFile {
        /// the file (or `sample`, a bundled drawing)
        pub path: String = "sample".into(),
        /// layers to read, by label or id, separated by commas (empty: all)
        pub layers: String = "".into(),
        /// largest distance between a curve and its polyline
        pub tolerance: f64 = 0.01 => ui(0.001, 1.0).min(0.001).unit("mm"),
    }
}

impl Evaluate for SvgFile {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let bytes: Arc<[u8]> = if self.path == "sample" {
            Arc::from(SAMPLE)
        } else {
            ctx.files
                .read(&self.path, MAX_SVG_BYTES)
                .map_err(|e| OpFailure::File(format!("cannot read '{}': {e}", self.path)))?
        };
        import(&bytes, &self.path, &self.layers, self.tolerance, ctx)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        // Editing the file on disk changes the id (size and modification time).
        if self.path != "sample"
            && let Some(stamp) = ctx.files.stamp(&self.path)
        {
            h.bytes(&stamp.to_le_bytes());
        }
    }
}

/// A layer label without the number AxiDraw plots it by (`"2 sun"` → `"sun"`).
fn without_number(label: &str) -> &str {
    match label.split_once(' ') {
        Some((n, rest))
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() =>
        {
            rest
        }
        _ => label,
    }
}

/// Layer groups of the file: id → label (`inkscape:label` without a leading layer
/// number, else the id).
fn layer_labels(doc: &roxmltree::Document) -> HashMap<String, String> {
    const INKSCAPE: &str = "http://www.inkscape.org/namespaces/inkscape";
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute((INKSCAPE, "groupmode")) == Some("layer"))
        .filter_map(|n| {
            let id = n.attribute("id")?.to_string();
            let label = without_number(n.attribute((INKSCAPE, "label")).unwrap_or(&id)).to_string();
            Some((id, label))
        })
        .collect()
}

/// What a file holds that the import does not draw, said in the layer's notes.
#[derive(Debug, Default)]
struct Skipped {
    /// `<image>` elements (never read).
    images: usize,
    /// `<text>` elements (drawn only once converted to paths).
    texts: usize,
    /// Elements with a coordinate out of range or not finite.
    out_of_range: usize,
    /// Where the first of those is.
    first_out_of_range: Option<String>,
    /// The root's `viewBox` when it has no area (usvg then ignores it).
    empty_view_box: Option<String>,
}

/// Shapes and the attributes that hold their coordinates.
const SHAPE_ATTRIBUTES: [(&str, &[&str]); 7] = [
    ("path", &["d"]),
    ("polyline", &["points"]),
    ("polygon", &["points"]),
    ("line", &["x1", "y1", "x2", "y2"]),
    ("rect", &["x", "y", "width", "height", "rx", "ry"]),
    ("circle", &["cx", "cy", "r"]),
    ("ellipse", &["cx", "cy", "rx", "ry"]),
];

/// Whether `text` holds a number that single precision cannot hold (usvg drops such an
/// element whole).
fn overflows(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-.eE".contains(&bytes[i])) {
            // A sign starts a new number unless it follows an exponent.
            if i > start && b"+-".contains(&bytes[i]) && !b"eE".contains(&bytes[i - 1]) {
                break;
            }
            i += 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        if text[start..i]
            .parse::<f64>()
            .is_ok_and(|v| !v.is_finite() || v.abs() > f32::MAX as f64)
        {
            return true;
        }
    }
    false
}

impl Skipped {
    /// The elements of `doc` that will not be drawn.
    fn survey(doc: &roxmltree::Document) -> Skipped {
        let mut skipped = Skipped::default();
        let root = doc.root_element();
        if let Some(view_box) = root.attribute("viewBox") {
            let numbers: Vec<f64> = view_box
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter_map(|n| n.parse().ok())
                .collect();
            if numbers.len() == 4 && !(numbers[2] > 0.0 && numbers[3] > 0.0) {
                skipped.empty_view_box = Some(view_box.to_string());
            }
        }
        for node in doc.descendants().filter(roxmltree::Node::is_element) {
            let name = node.tag_name().name();
            match name {
                "image" => skipped.images += 1,
                "text" => skipped.texts += 1,
                _ => {}
            }
            let Some((_, attributes)) = SHAPE_ATTRIBUTES.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            if attributes
                .iter()
                .filter_map(|a| node.attribute(*a))
                .any(overflows)
            {
                let line = doc.text_pos_at(node.range().start).row;
                skipped.note_out_of_range(|| match node.attribute("id") {
                    Some(id) => format!("<{name} id=\"{id}\"> at line {line}"),
                    None => format!("<{name}> at line {line}"),
                });
            }
        }
        skipped
    }

    fn note_out_of_range(&mut self, place: impl FnOnce() -> String) {
        self.out_of_range += 1;
        if self.first_out_of_range.is_none() {
            self.first_out_of_range = Some(place());
        }
    }

    /// The notes a layer shows.
    fn notes(&self) -> Vec<String> {
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut notes = Vec::new();
        if let Some(view_box) = &self.empty_view_box {
            notes.push(format!(
                "viewBox \"{view_box}\" has no area and is ignored: the drawing keeps its own units"
            ));
        }
        if self.images > 0 {
            notes.push(format!(
                "{} (graft draws lines only; nothing they name is read)",
                plural(self.images, "image ignored", "images ignored")
            ));
        }
        if self.texts > 0 {
            notes.push(format!(
                "{} (convert text to paths to draw it)",
                plural(self.texts, "text element ignored", "text elements ignored")
            ));
        }
        if let Some(first) = &self.first_out_of_range {
            notes.push(format!(
                "{} dropped: coordinates not finite or beyond ±{MAX_COORDINATE_MM} mm (first: {first})",
                plural(self.out_of_range, "element", "elements")
            ));
        }
        notes
    }
}

/// The file parsed by usvg, with its layer labels and what it will not draw; errors name
/// the file.
fn parse(
    bytes: &[u8],
    path: &str,
) -> Result<(resvg::usvg::Tree, HashMap<String, String>, Skipped), OpFailure> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        OpFailure::bad_input(format!("'{path}' is not an SVG file (not UTF-8 text)"))
    })?;
    let tree = resvg::usvg::Tree::from_str(text, &lines_only())
        .map_err(|e| OpFailure::bad_input(format!("'{path}' is not a readable SVG file: {e}")))?;
    // usvg has read the file, so roxmltree (its own parser) reads it too.
    let (labels, skipped) = match roxmltree::Document::parse(text) {
        Ok(doc) => (layer_labels(&doc), Skipped::survey(&doc)),
        Err(_) => Default::default(),
    };
    Ok((tree, labels, skipped))
}

/// usvg's options for drawings read as lines: no image is resolved, neither a path, a
/// `file:` URL nor a data URL (graft draws no raster, and a reference such as
/// `/dev/zero` or another user's file must never be read).
fn lines_only() -> resvg::usvg::Options<'static> {
    resvg::usvg::Options {
        image_href_resolver: resvg::usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..Default::default()
    }
}

fn import(
    bytes: &[u8],
    path: &str,
    layers: &str,
    tolerance: f64,
    ctx: &EvalContext,
) -> Result<Polylines, OpFailure> {
    let (tree, labels, mut skipped) = parse(bytes, path)?;
    let wanted: Vec<&str> = layers
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(missing) = wanted
        .iter()
        .find(|w| !labels.iter().any(|(id, label)| id == *w || label == *w))
    {
        let mut known: Vec<&str> = labels.values().map(String::as_str).collect();
        known.sort();
        return Err(OpFailure::bad_input(format!(
            "'{path}' has no layer '{missing}'; its layers: {}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    }
    let mut paths = Vec::new();
    walk(tree.root(), None, &labels, &wanted, &mut paths);
    // Paths flattened in parallel chunks, put together in document order.
    let parts = parallel::map_ranges(ctx.executor.as_ref(), paths.len(), 64, |range| {
        let mut out = Polylines::new();
        let mut far = Vec::new();
        for p in &paths[range] {
            if !flatten(p.data(), p.abs_transform(), tolerance, &mut out) {
                far.push(describe(p));
            }
        }
        (out, far)
    });
    let mut out = Polylines::new();
    for (part, far) in parts {
        out.extend_from(&part);
        for place in far {
            skipped.note_out_of_range(|| place);
        }
    }
    ctx.check_budget(out.point_count() as u64, out.line_count() as u64)?;
    out.set_notes(skipped.notes());
    Ok(out)
}

/// Collects the selected paths under `group`, in document order; `layer` is the label of
/// the layer it is in.
fn walk<'a>(
    group: &'a resvg::usvg::Group,
    layer: Option<&str>,
    labels: &HashMap<String, String>,
    wanted: &[&str],
    paths: &mut Vec<&'a resvg::usvg::Path>,
) {
    for node in group.children() {
        match node {
            resvg::usvg::Node::Group(g) => {
                let inner = labels.get(g.id()).map(|label| (g.id(), label.as_str()));
                let here = match inner {
                    Some((id, _)) if wanted.contains(&id) => Some(id),
                    Some((_, label)) => Some(label),
                    None => layer,
                };
                walk(g, here, labels, wanted, paths);
            }
            resvg::usvg::Node::Path(p) => {
                if wanted.is_empty() || layer.is_some_and(|l| wanted.contains(&l)) {
                    paths.push(p);
                }
            }
            // Text is converted to paths by usvg only with fonts loaded; images have no
            // lines to plot.
            _ => {}
        }
    }
}

/// A path as the notes name it.
fn describe(p: &resvg::usvg::Path) -> String {
    if p.id().is_empty() {
        "a path without an id".into()
    } else {
        format!("<path id=\"{}\">", p.id())
    }
}

/// Appends the path, transformed to millimetres, as polylines; false (nothing appended)
/// when a point of it is not finite or beyond [`MAX_COORDINATE_MM`].
fn flatten(
    data: &resvg::tiny_skia::Path,
    t: resvg::tiny_skia::Transform,
    tolerance: f64,
    out: &mut Polylines,
) -> bool {
    use resvg::tiny_skia::PathSegment;
    let map = |p: resvg::tiny_skia::Point| {
        let (x, y) = (
            t.sx as f64 * p.x as f64 + t.kx as f64 * p.y as f64 + t.tx as f64,
            t.ky as f64 * p.x as f64 + t.sy as f64 * p.y as f64 + t.ty as f64,
        );
        Point::new(x * MM_PER_PX, y * MM_PER_PX)
    };
    let mut path = BezPath::new();
    for seg in data.segments() {
        match seg {
            PathSegment::MoveTo(p) => path.move_to(map(p)),
            PathSegment::LineTo(p) => path.line_to(map(p)),
            PathSegment::QuadTo(a, p) => path.quad_to(map(a), map(p)),
            PathSegment::CubicTo(a, b, p) => path.curve_to(map(a), map(b), map(p)),
            PathSegment::Close => path.close_path(),
        }
    }
    let limit = MAX_COORDINATE_MM as f64;
    let within = |p: &Point| p.x.abs() <= limit && p.y.abs() <= limit;
    if !path.elements().iter().all(|el| match *el {
        PathEl::MoveTo(p) | PathEl::LineTo(p) => within(&p),
        PathEl::QuadTo(a, p) => within(&a) && within(&p),
        PathEl::CurveTo(a, b, p) => within(&a) && within(&b) && within(&p),
        PathEl::ClosePath => true,
    }) {
        return false;
    }
    let mut run: Vec<Vec3> = Vec::new();
    let mut start = Point::ZERO;
    let point = |p: Point| Vec3::new(p.x as f32, p.y as f32, 0.0);
    kurbo::flatten(path, tolerance, |el| match el {
        PathEl::MoveTo(p) => {
            out.push_run(&mut run);
            start = p;
            run.push(point(p));
        }
        PathEl::LineTo(p) => run.push(point(p)),
        PathEl::ClosePath => {
            if run.last() != Some(&point(start)) {
                run.push(point(start));
            }
            out.push_run(&mut run);
        }
        _ => {}
    });
    out.push_run(&mut run);
    true
}

/// One layer of an SVG file, with the pen of its first stroked path.
#[derive(Clone, Debug)]
pub struct SvgLayer {
    /// Inkscape/vpype label (or the file's only layer: `svg`).
    pub name: String,
    /// Stroke colour of its first stroked path (black when none is stroked).
    pub color: crate::ops::model::value::Rgba,
    /// Stroke width of that path in mm (0.3 when none is stroked).
    pub width_mm: f64,
    /// Its paths, in mm.
    pub geometry: Polylines,
}

/// An SVG file's size (mm) and layers, for plot preparation (`graft optimize`).
#[derive(Clone, Debug)]
pub struct SvgDocument {
    /// Width in mm.
    pub width_mm: f64,
    /// Height in mm.
    pub height_mm: f64,
    /// Layers in file order; paths outside every layer form a first layer `svg`.
    pub layers: Vec<SvgLayer>,
    /// What was not read: images, text, elements with coordinates out of range.
    pub notes: Vec<String>,
}

/// Reads every layer of an SVG file (see [`SvgFile`]).
pub fn read_svg_document(
    bytes: &[u8],
    path: &str,
    tolerance: f64,
) -> Result<SvgDocument, OpFailure> {
    let (tree, labels, mut skipped) = parse(bytes, path)?;
    let mut layers: Vec<SvgLayer> = Vec::new();
    collect(
        tree.root(),
        "svg",
        &labels,
        tolerance,
        &mut layers,
        &mut skipped,
    );
    layers.retain(|l| !l.geometry.is_empty());
    let size = tree.size();
    Ok(SvgDocument {
        width_mm: size.width() as f64 * MM_PER_PX,
        height_mm: size.height() as f64 * MM_PER_PX,
        layers,
        notes: skipped.notes(),
    })
}

fn collect(
    group: &resvg::usvg::Group,
    layer: &str,
    labels: &HashMap<String, String>,
    tolerance: f64,
    out: &mut Vec<SvgLayer>,
    skipped: &mut Skipped,
) {
    for node in group.children() {
        match node {
            resvg::usvg::Node::Group(g) => {
                let here = labels.get(g.id()).map_or(layer, String::as_str);
                collect(g, here, labels, tolerance, out, skipped);
            }
            resvg::usvg::Node::Path(p) => {
                let index = match out.iter().position(|l| l.name == layer) {
                    Some(i) => i,
                    None => {
                        out.push(SvgLayer {
                            name: layer.to_string(),
                            color: crate::ops::model::value::Rgba::BLACK,
                            width_mm: 0.3,
                            geometry: Polylines::new(),
                        });
                        out.len() - 1
                    }
                };
                let l = &mut out[index];
                if l.geometry.is_empty()
                    && let Some(stroke) = p.stroke()
                {
                    if let resvg::usvg::Paint::Color(c) = stroke.paint() {
                        l.color = crate::ops::model::value::Rgba([
                            c.red as f32 / 255.0,
                            c.green as f32 / 255.0,
                            c.blue as f32 / 255.0,
                            stroke.opacity().get(),
                        ]);
                    }
                    let t = p.abs_transform();
                    let scale = ((t.sx * t.sy - t.kx * t.ky).abs() as f64).sqrt();
                    l.width_mm = stroke.width().get() as f64 * scale * MM_PER_PX;
                }
                if !flatten(p.data(), p.abs_transform(), tolerance, &mut l.geometry) {
                    skipped.note_out_of_range(|| describe(p));
                }
            }
            _ => {}
        }
    }
}

// graft line shader: one instanced quad per segment (points i and i+1 of a layer's buffer),
// round caps from the distance to the segment, anti-aliased over one pixel.
// Canvas millimetres have +y down; Bevy's 2D world has +y up, so y is negated here.
//
// Each polyline is drawn once per pixel, as the SVG we export strokes each <path>: the
// point's w is the polyline's ordinal (from 1), which becomes a depth written with a
// `greater` test, so a later segment of the same polyline (same depth) never blends
// again where caps overlap at a joint. A layer is drawn in two passes: the solid
// interior first, then the anti-aliased fringe where the interior did not cover.
#import bevy_render::view::View
#ifdef LINEAR_COMPOSITING
#import bevy_render::color_operations::srgb_to_linear
#endif

struct LineUniform {
    // sRGB-encoded colour, straight alpha.
    color: vec4<f32>,
    // Half the pen width in millimetres.
    half_width: f32,
    // Bit 0: flat ends (the paper), otherwise round caps.
    flags: u32,
    // Depth steps used by the draws before this one in the pass.
    depth_base: u32,
}

@group(0) @binding(0) var<uniform> view: View;
@group(1) @binding(0) var<uniform> line: LineUniform;

// Depth steps in [0, 1]: 2^24, exact in f32.
const DEPTH_STEPS: f32 = 16777216.0;

struct VertexOutput {
    @builtin(position) position: vec4<f32>,
    // Fragment position relative to the segment start, in pixels: (along, across).
    @location(0) local: vec2<f32>,
    // (segment length, half width), in pixels.
    @location(1) @interpolate(flat) size: vec2<f32>,
}

@vertex
fn vertex(@builtin(vertex_index) vi: u32, @location(0) a: vec4<f32>, @location(1) b: vec4<f32>) -> VertexOutput {
    var corners = array<vec2<f32>, 6>(
        vec2(0.0, -1.0), vec2(1.0, -1.0), vec2(1.0, 1.0),
        vec2(0.0, -1.0), vec2(1.0, 1.0), vec2(0.0, 1.0),
    );
    let c = corners[vi];
    // Pixels per millimetre of an unrotated orthographic view.
    let ppm = 0.5 * view.viewport.z * view.clip_from_world[0][0];
    let pa = vec2(a.x, -a.y);
    let pb = vec2(b.x, -b.y);
    let d = pb - pa;
    let len_mm = length(d);
    let t = select(vec2(1.0, 0.0), d / len_mm, len_mm > 1e-9);
    let n = vec2(-t.y, t.x);
    let len_px = len_mm * ppm;
    // Lines thinner than a pixel stay one pixel wide so they never vanish.
    let hw = max(line.half_width * ppm, 0.5);
    let flat_ends = (line.flags & 1u) != 0u;
    let extend = select(hw + 1.0, 0.0, flat_ends);
    let across = hw + 1.0;
    let along = c.x * len_px + (2.0 * c.x - 1.0) * extend;
    let p = pa + t * (along / ppm) + n * (c.y * across / ppm);
    var out: VertexOutput;
    out.position = view.clip_from_world * vec4(p, 0.0, 1.0);
    let depth = min((f32(line.depth_base) + a.w) / DEPTH_STEPS, 1.0);
    out.position.z = depth * out.position.w;
    out.local = vec2(along, c.y * across);
    out.size = vec2(len_px, hw);
    // A gap point on either side: the instance joins two polylines and draws nothing.
    if a.w == 0.0 || b.w == 0.0 {
        out.position = vec4(2.0, 2.0, 2.0, 1.0);
    }
    return out;
}

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    var dist: f32;
    if (line.flags & 1u) != 0u {
        dist = abs(in.local.y);
    } else {
        let along = clamp(in.local.x, 0.0, in.size.x);
        dist = length(vec2(in.local.x - along, in.local.y));
    }
    let coverage = clamp(in.size.y + 0.5 - dist, 0.0, 1.0);
#ifdef FRINGE
    if coverage <= 0.0 || coverage >= 1.0 {
        discard;
    }
#else
    if coverage < 1.0 {
        discard;
    }
#endif
#ifdef LINEAR_COMPOSITING
    let rgb = srgb_to_linear(line.color.rgb);
#else
    // The view blends in sRGB space, as SVG renderers do: write the encoded colour.
    let rgb = line.color.rgb;
#endif
    return vec4(rgb, line.color.a * coverage);
}

// Renders the picture of a digest: monitors by day, coloured by health, with a legend. The
// layout is 800 px wide, the width chat clients show an image at, with text of 12 px or more.

import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { ChannelDigest } from '../channel-digest.js';
import { formatColumnDay, formatShare, plural } from '../format.js';
import type { CellState, DayCell } from '../grid.js';
import type { MonitorStats } from '../monitor-stats.js';
import type { DigestView } from '../view.js';
import { type Box, drawSymbol, fillState, LEGEND_STATES, STATE_STYLES } from './palette.js';

export const IMAGE_WIDTH_PX = 800;
/** Rows drawn at most; the rest are counted in one line under the grid. */
export const MAX_IMAGE_ROWS = 40;

const PAD = 24;
const LABEL_WIDTH = 176;
const SHARE_WIDTH = 64;
const TOP_HEIGHT = 96;
const COLUMN_HEADER_HEIGHT = 24;
const ROW_HEIGHT = 30;
const CELL_HEIGHT = 24;
const MORE_HEIGHT = 22;
const LEGEND_COLUMNS = 5;
const LEGEND_ROW_HEIGHT = 24;
const FOOTER_HEIGHT = 30;
const FONT = 'DrumbeatSans';
const BOLD_FONT = 'DrumbeatSansBold';
const PROBLEMS: ReadonlySet<CellState> = new Set(['missed', 'hung', 'failed', 'late', 'down']);
const BADGED: ReadonlySet<CellState> = new Set([...PROBLEMS, 'ok', 'paused']);

let fontsLoaded = false;

/** Loads DejaVu Sans from its npm package, so that text looks the same on every host. */
function loadFonts(): void {
  if (fontsLoaded) return;
  const require = createRequire(import.meta.url);
  const file = (weight: string) =>
    require.resolve(`@fontsource/dejavu-sans/files/dejavu-sans-latin-${weight}-normal.woff2`);
  GlobalFonts.registerFromPath(file('400'), FONT);
  GlobalFonts.registerFromPath(file('700'), BOLD_FONT);
  fontsLoaded = true;
}

/** Returns the size of the picture of a digest with `monitorCount` monitors. */
export function digestImageSize(monitorCount: number): { width: number; height: number } {
  const rows = Math.min(monitorCount, MAX_IMAGE_ROWS);
  const more = monitorCount > MAX_IMAGE_ROWS ? MORE_HEIGHT : 0;
  const legendRows = Math.ceil(LEGEND_STATES.length / LEGEND_COLUMNS);
  const height =
    TOP_HEIGHT +
    COLUMN_HEADER_HEIGHT +
    Math.max(rows, 1) * ROW_HEIGHT +
    more +
    12 +
    legendRows * LEGEND_ROW_HEIGHT +
    FOOTER_HEIGHT +
    PAD;
  return { width: IMAGE_WIDTH_PX, height };
}

/** Sets the font: a size such as `13px`, or `bold 20px` for the bold face. */
function setFont(ctx: SKRSContext2D, font: string): void {
  ctx.font = font.startsWith('bold ') ? `${font.slice(5)} ${BOLD_FONT}` : `${font} ${FONT}`;
}

function text(
  ctx: SKRSContext2D,
  value: string,
  x: number,
  y: number,
  font: string,
  color: string,
) {
  setFont(ctx, font);
  ctx.fillStyle = color;
  ctx.fillText(value, x, y);
}

/** Cuts text with an ellipsis so that it fits `maxWidth` in the current font. */
function ellipsize(ctx: SKRSContext2D, value: string, maxWidth: number): string {
  if (ctx.measureText(value).width <= maxWidth) return value;
  let cut = value;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > maxWidth) cut = cut.slice(0, -1);
  return `${cut}…`;
}

interface Grid {
  x: number;
  columnWidth: number;
  gap: number;
}

function drawTop(ctx: SKRSContext2D, view: DigestView): void {
  const width = IMAGE_WIDTH_PX - 2 * PAD;
  setFont(ctx, 'bold 20px');
  text(ctx, ellipsize(ctx, view.title, width), PAD, PAD + 20, 'bold 20px', '#111111');
  setFont(ctx, '15px');
  text(ctx, ellipsize(ctx, view.headline, width), PAD, PAD + 46, '15px', '#222222');
  const second = view.allGood ?? view.comparison ?? '';
  setFont(ctx, '13px');
  text(ctx, ellipsize(ctx, second, width), PAD, PAD + 66, '13px', '#444444');
}

function drawColumnHeaders(ctx: SKRSContext2D, digest: ChannelDigest, grid: Grid, y: number) {
  const { period } = digest;
  ctx.textAlign = 'center';
  if (period.dayStarts.length === 1) {
    const hours = digest.monitors[0]?.row.days[0]?.hours?.length ?? 24;
    for (const hour of [0, 6, 12, 18]) {
      const x = grid.x + ((hour + 0.5) / hours) * grid.columnWidth;
      text(ctx, `${String(hour).padStart(2, '0')}:00`, x, y + 16, '12px', '#444444');
    }
  } else {
    period.dayStarts.forEach((dayStart, index) => {
      const x = grid.x + index * grid.columnWidth + (grid.columnWidth - grid.gap) / 2;
      text(ctx, formatColumnDay(dayStart, period.timezone), x, y + 16, '13px', '#333333');
    });
  }
  ctx.textAlign = 'right';
  text(ctx, 'on time', IMAGE_WIDTH_PX - PAD, y + 16, '12px', '#444444');
  ctx.textAlign = 'left';
}

/** Draws a symbol on a round badge in the state's colour, centred at `cx`. */
function badge(ctx: SKRSContext2D, state: CellState, box: Box, cx: number): void {
  const size = Math.min(18, box.height - 4);
  const x = Math.min(Math.max(cx, box.x + size / 2 + 2), box.x + box.width - size / 2 - 2);
  const cy = box.y + box.height / 2;
  ctx.beginPath();
  ctx.arc(x, cy, size / 2 + 1.5, 0, Math.PI * 2);
  ctx.fillStyle = '#FFFFFF';
  ctx.fill();
  ctx.beginPath();
  ctx.arc(x, cy, size / 2, 0, Math.PI * 2);
  ctx.fillStyle = STATE_STYLES[state].fill;
  ctx.fill();
  const inner = size * 0.7;
  drawSymbol(ctx, state, { x: x - inner / 2, y: cy - inner / 2, width: inner, height: inner });
}

function drawDay(ctx: SKRSContext2D, day: DayCell, box: Box): void {
  if (day.hours === null) {
    fillState(ctx, day.state, box);
    drawSymbol(ctx, day.state, box);
    return;
  }
  const width = box.width / day.hours.length;
  day.hours.forEach((state, index) => {
    // Whole-pixel edges, so that no seam of anti-aliasing shows between two stripes.
    const left = Math.round(box.x + index * width);
    const right = Math.round(box.x + (index + 1) * width);
    const stripe = { x: left, y: box.y, width: right - left, height: box.height };
    fillState(ctx, state, stripe, false);
    if (width >= 12) drawSymbol(ctx, state, stripe);
  });
  ctx.strokeStyle = '#D0D0D0';
  ctx.lineWidth = 1;
  ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.width - 1, box.height - 1);
  // Stripes too narrow for a symbol get one badge for the day: on its worst hour when that is a
  // problem, else in the middle.
  if (width >= 12 || !BADGED.has(day.state)) return;
  const worstHour = day.hours.indexOf(day.state);
  const cx = PROBLEMS.has(day.state) ? box.x + (worstHour + 0.5) * width : box.x + box.width / 2;
  badge(ctx, day.state, box, cx);
}

function drawRow(ctx: SKRSContext2D, stats: MonitorStats, grid: Grid, y: number): void {
  setFont(ctx, '14px');
  text(ctx, ellipsize(ctx, stats.name, LABEL_WIDTH - 12), PAD, y + 17, '14px', '#111111');
  const cellTop = y + (ROW_HEIGHT - CELL_HEIGHT) / 2 - 2;
  stats.row.days.forEach((day, index) => {
    const box = {
      x: grid.x + index * grid.columnWidth,
      y: cellTop,
      width: grid.columnWidth - grid.gap,
      height: CELL_HEIGHT,
    };
    drawDay(ctx, day, box);
  });
  const share = stats.onTimeShare === null ? '–' : formatShare(stats.onTimeShare);
  ctx.textAlign = 'right';
  text(ctx, share, IMAGE_WIDTH_PX - PAD, y + 17, '14px', '#111111');
  ctx.textAlign = 'left';
}

function drawLegend(ctx: SKRSContext2D, y: number): void {
  const columnWidth = (IMAGE_WIDTH_PX - 2 * PAD) / LEGEND_COLUMNS;
  LEGEND_STATES.forEach((state, index) => {
    const x = PAD + (index % LEGEND_COLUMNS) * columnWidth;
    const top = y + Math.floor(index / LEGEND_COLUMNS) * LEGEND_ROW_HEIGHT;
    const box = { x, y: top, width: 18, height: 18 };
    fillState(ctx, state, box);
    drawSymbol(ctx, state, box);
    text(ctx, STATE_STYLES[state].label, x + 26, top + 14, '13px', '#222222');
  });
}

/** Renders the picture of a channel's digest as a PNG. */
export function renderDigestPng(digest: ChannelDigest, view: DigestView): Buffer {
  loadFonts();
  const { width, height } = digestImageSize(digest.monitors.length);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#FFFFFF';
  ctx.fillRect(0, 0, width, height);
  drawTop(ctx, view);

  const columns = Math.max(1, digest.period.dayStarts.length);
  const gridWidth = IMAGE_WIDTH_PX - 2 * PAD - LABEL_WIDTH - SHARE_WIDTH;
  const gap = columns === 1 ? 0 : 6;
  const grid = { x: PAD + LABEL_WIDTH, columnWidth: (gridWidth + gap) / columns, gap };
  let y = TOP_HEIGHT;
  drawColumnHeaders(ctx, digest, grid, y);
  y += COLUMN_HEADER_HEIGHT;
  const shown = digest.monitors.slice(0, MAX_IMAGE_ROWS);
  if (shown.length === 0) text(ctx, 'No monitors in this channel.', PAD, y + 18, '14px', '#444444');
  for (const stats of shown) {
    drawRow(ctx, stats, grid, y);
    y += ROW_HEIGHT;
  }
  if (shown.length === 0) y += ROW_HEIGHT;
  if (digest.monitors.length > shown.length) {
    const more = `and ${plural(digest.monitors.length - shown.length, 'more monitor')}, listed in the message`;
    text(ctx, more, PAD, y + 15, '13px', '#444444');
    y += MORE_HEIGHT;
  }
  drawLegend(ctx, y + 12);
  const legendRows = Math.ceil(LEGEND_STATES.length / LEGEND_COLUMNS);
  y += 12 + legendRows * LEGEND_ROW_HEIGHT;
  text(ctx, `Drumbeat · ${view.footer}`, PAD, y + 18, '12px', '#555555');
  return canvas.toBuffer('image/png');
}

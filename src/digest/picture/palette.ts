// Colours and symbols of the cell states. The colours are the Okabe–Ito palette, made to stay
// distinct for the common kinds of colour blindness. Every state that needs attention also has
// its own symbol, so that no state is told apart by colour alone.

import type { SKRSContext2D } from '@napi-rs/canvas';
import type { CellState } from '../grid.js';

export interface StateStyle {
  fill: string;
  /** Colour of the symbol drawn on the fill. */
  ink: string;
  label: string;
  symbol: 'check' | 'clock' | 'cross' | 'ring' | 'hourglass' | 'stripes' | 'bars' | null;
}

export const STATE_STYLES: Readonly<Record<CellState, StateStyle>> = {
  ok: { fill: '#009E73', ink: '#FFFFFF', label: 'On time', symbol: 'check' },
  late: { fill: '#F0E442', ink: '#222222', label: 'Late', symbol: 'clock' },
  failed: { fill: '#D55E00', ink: '#FFFFFF', label: 'Failed', symbol: 'cross' },
  missed: { fill: '#222222', ink: '#FFFFFF', label: 'Missed', symbol: 'ring' },
  hung: { fill: '#0072B2', ink: '#FFFFFF', label: 'Hung', symbol: 'hourglass' },
  down: { fill: '#E69F00', ink: '#FFFFFF', label: 'In an incident', symbol: 'stripes' },
  paused: { fill: '#A8A8A8', ink: '#FFFFFF', label: 'Paused', symbol: 'bars' },
  idle: { fill: '#E6E6E6', ink: '#222222', label: 'No run due', symbol: null },
  none: { fill: '#FFFFFF', ink: '#222222', label: 'Not monitored', symbol: null },
};

/** The states in the order the legend shows them. */
export const LEGEND_STATES: readonly CellState[] = [
  'ok',
  'late',
  'failed',
  'missed',
  'hung',
  'down',
  'paused',
  'idle',
  'none',
];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Fills a box in the state's colour; an unmonitored box also gets an outline, unless told not to. */
export function fillState(ctx: SKRSContext2D, state: CellState, box: Box, outline = true): void {
  const style = STATE_STYLES[state];
  ctx.fillStyle = style.fill;
  ctx.fillRect(box.x, box.y, box.width, box.height);
  if (state === 'none' && outline) {
    ctx.strokeStyle = '#D0D0D0';
    ctx.lineWidth = 1;
    ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.width - 1, box.height - 1);
  }
}

function stripes(ctx: SKRSContext2D, box: Box): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.width, box.height);
  ctx.clip();
  ctx.lineWidth = 2;
  for (let x = box.x - box.height; x < box.x + box.width; x += 7) {
    ctx.moveTo(x, box.y + box.height);
    ctx.lineTo(x + box.height, box.y);
  }
  ctx.stroke();
  ctx.restore();
}

/** Draws a state's symbol centred in a box of at least 12 px. */
export function drawSymbol(ctx: SKRSContext2D, state: CellState, box: Box): void {
  const style = STATE_STYLES[state];
  const size = Math.min(box.width, box.height) * 0.6;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const r = size / 2;
  ctx.strokeStyle = style.ink;
  ctx.fillStyle = style.ink;
  ctx.lineWidth = Math.max(1.5, size / 6);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  switch (style.symbol) {
    case 'check':
      ctx.moveTo(cx - r * 0.8, cy);
      ctx.lineTo(cx - r * 0.2, cy + r * 0.6);
      ctx.lineTo(cx + r * 0.85, cy - r * 0.6);
      break;
    case 'cross':
      ctx.moveTo(cx - r * 0.65, cy - r * 0.65);
      ctx.lineTo(cx + r * 0.65, cy + r * 0.65);
      ctx.moveTo(cx + r * 0.65, cy - r * 0.65);
      ctx.lineTo(cx - r * 0.65, cy + r * 0.65);
      break;
    case 'ring':
      ctx.arc(cx, cy, r * 0.75, 0, Math.PI * 2);
      break;
    case 'clock':
      ctx.arc(cx, cy, r * 0.85, 0, Math.PI * 2);
      ctx.moveTo(cx, cy - r * 0.55);
      ctx.lineTo(cx, cy);
      ctx.lineTo(cx + r * 0.4, cy);
      break;
    case 'hourglass':
      ctx.moveTo(cx - r * 0.6, cy - r * 0.8);
      ctx.lineTo(cx + r * 0.6, cy - r * 0.8);
      ctx.lineTo(cx - r * 0.6, cy + r * 0.8);
      ctx.lineTo(cx + r * 0.6, cy + r * 0.8);
      ctx.closePath();
      break;
    case 'bars':
      ctx.moveTo(cx - r * 0.35, cy - r * 0.7);
      ctx.lineTo(cx - r * 0.35, cy + r * 0.7);
      ctx.moveTo(cx + r * 0.35, cy - r * 0.7);
      ctx.lineTo(cx + r * 0.35, cy + r * 0.7);
      break;
    case 'stripes':
      stripes(ctx, box);
      return;
    case null:
      return;
  }
  ctx.stroke();
}

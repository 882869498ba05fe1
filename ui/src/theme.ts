// Light and dark themes: the OS decides until the user picks one, which persists (localStorage).
import { signal } from '@preact/signals';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'swapgate.theme';

function readChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

export const theme = signal<ThemeChoice>(readChoice());

export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** system → the opposite of what the OS shows → the other one → system. */
export function cycleTheme(): void {
  const osDark = matchMedia('(prefers-color-scheme: dark)').matches;
  const order: ThemeChoice[] = osDark ? ['system', 'light', 'dark'] : ['system', 'dark', 'light'];
  const next = order[(order.indexOf(theme.value) + 1) % order.length] ?? 'system';
  theme.value = next;
  applyTheme(next);
  try {
    if (next === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // storage refused: the choice lasts for this page
  }
}

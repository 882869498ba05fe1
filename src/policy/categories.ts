// Built-in content_filter categories. Deliberately small and curated: each entry is a phrase
// that is rarely innocent on its own, so the filter stays quiet on everyday text ("kill the
// process", "shoot a photo"). It is a blunt first line, not a classifier — operators add their
// own `terms` (plain words or /regex/flags) for their domain. Slurs are intentionally not
// shipped in source; add them as custom terms where a deployment needs them.
// Matching is case-insensitive, on word boundaries, with any run of whitespace between words.
export const CONTENT_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  violence: [
    'kill you', 'i will kill', 'murder you', 'behead', 'beheading', 'massacre', 'mass shooting',
    'shoot up the', 'slit your throat', 'beat you to death', 'torture them', 'bomb threat',
  ],
  self_harm: [
    'kill myself', 'killing myself', 'suicide', 'suicidal', 'self-harm', 'self harm', 'cut myself',
    'end my life', 'want to die', 'overdose on purpose',
  ],
  hate: [
    'ethnic cleansing', 'racial purity', 'master race', 'subhuman', 'white power', 'gas the',
    'go back to your country', 'inferior race',
  ],
  sexual: [
    'porn', 'pornography', 'pornographic', 'explicit sex', 'sexually explicit', 'nude photos',
    'nudes', 'erotic roleplay', 'nsfw',
  ],
  illegal_drugs: [
    'cocaine', 'crack cocaine', 'heroin', 'methamphetamine', 'crystal meth', 'buy meth', 'fentanyl',
    'mdma', 'lsd tabs', 'drug dealer',
  ],
};

export function isContentCategory(name: string): boolean {
  return Object.hasOwn(CONTENT_CATEGORIES, name);
}

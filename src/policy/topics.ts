// Built-in topic_block topics. A topic is a list of keyword sets; it matches only when one
// keyword from EVERY set appears within TOPIC_WINDOW_CHARS of each other. Co-occurrence keeps
// "the bomb squad arrived" or "my computer has a virus" from tripping weapons/malware, while
// "how to build a pipe bomb" or "write ransomware that evades antivirus" still match.
export const TOPIC_WINDOW_CHARS = 160;

const MAKE = ['build', 'make', 'making', 'manufacture', 'assemble', 'construct', 'create', '3d print', '3d-print', 'homemade', 'diy', 'step by step', 'instructions for', 'blueprint', 'schematic', 'how to'];

export const TOPICS: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  weapons_manufacturing: [
    ['gun', 'guns', 'firearm', 'firearms', 'rifle', 'pistol', 'ghost gun', 'silencer', 'suppressor', 'explosive', 'explosives', 'bomb', 'pipe bomb', 'grenade', 'detonator', 'napalm', 'thermite', 'ammunition', 'full auto', 'auto sear'],
    MAKE,
  ],
  malware: [
    ['malware', 'ransomware', 'keylogger', 'botnet', 'rootkit', 'trojan', 'spyware', 'worm', 'virus', 'reverse shell', 'exploit', 'infostealer'],
    ['write', 'code', 'develop', 'build', 'create', 'undetectable', 'evade', 'evades', 'bypass antivirus', 'obfuscate', 'spread', 'infect', 'deploy', 'persistence'],
  ],
  drug_synthesis: [
    ['meth', 'methamphetamine', 'fentanyl', 'cocaine', 'heroin', 'mdma', 'lsd', 'ghb', 'crack'],
    ['synthesize', 'synthesis', 'cook', 'cooking', 'make', 'produce', 'extract', 'precursor', 'precursors', 'recipe', 'lab', 'yield'],
  ],
  hacking: [
    ['account', 'password', 'wifi', 'wi-fi', 'email', 'instagram', 'facebook', 'phone', 'server', 'database', 'webcam'],
    ['hack into', 'break into', 'crack', 'brute force', 'brute-force', 'steal', 'hijack', 'take over', 'without permission', 'without them knowing'],
  ],
  politics: [
    ['election', 'elections', 'vote', 'voting', 'ballot', 'campaign', 'referendum'],
    ['democrat', 'democrats', 'republican', 'republicans', 'party', 'candidate', 'president', 'senator', 'congress', 'parliament', 'left-wing', 'right-wing'],
  ],
  medical_advice: [
    ['diagnose', 'diagnosis', 'dosage', 'dose', 'prescribe', 'prescription', 'treatment', 'medication'],
    ['my', 'i have', "i'm", 'i am', 'should i', 'symptoms'],
  ],
  legal_advice: [
    ['lawsuit', 'sue', 'contract', 'custody', 'divorce', 'lawyer', 'attorney', 'court'],
    ['should i', 'can i', 'my', 'advice', 'what are my rights'],
  ],
  financial_advice: [
    ['stock', 'stocks', 'crypto', 'bitcoin', 'invest', 'investment', 'portfolio', 'retirement', 'etf'],
    ['should i', 'buy', 'sell', 'advice', 'recommend', 'best'],
  ],
};

export function isTopic(name: string): boolean {
  return Object.hasOwn(TOPICS, name);
}

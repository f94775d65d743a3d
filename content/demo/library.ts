// The demo library's catalogue: original text written for Fieldkit (no third-party material).
// Files for collateral items are generated from these descriptions by the content pipeline.
import type { Facet, ItemType } from "@/vocabulary/library";

export type DemoItem = {
  key: string;
  type: ItemType;
  title: string;
  summary: string;
  tags: Partial<Record<Facet, string[]>>;
  /** Team names; empty means everyone. */
  audiences?: string[];
  /** Markdown for messaging items; for collateral, the text written into the generated file (pages split by `\f`). */
  body: string;
  videoUrl?: string;
  status?: "draft" | "in_review" | "published" | "archived";
  /** Days from now; negative = already expired. */
  expiresInDays?: number;
  /** Which file the generator makes for collateral (default by type: PDF, XLSX for spreadsheets, PNG for images). */
  file?: "pdf" | "pptx" | "docx" | "xlsx" | "png" | "jpeg";
};

export const DEMO_TAGS: Record<Facet, [value: string, label: string][]> = {
  product: [
    ["atlas", "Atlas Platform"],
    ["beacon", "Beacon Analytics"],
    ["compass", "Compass Mobile"],
  ],
  industry: [
    ["healthcare", "Healthcare"],
    ["finance", "Financial services"],
    ["retail", "Retail"],
    ["manufacturing", "Manufacturing"],
  ],
  persona: [
    ["cfo", "CFO"],
    ["cio", "CIO"],
    ["ops", "Operations lead"],
  ],
  stage: [
    ["awareness", "Awareness"],
    ["discovery", "Discovery"],
    ["evaluation", "Evaluation"],
    ["negotiation", "Negotiation"],
  ],
  region: [
    ["east", "East"],
    ["west", "West"],
    ["emea", "EMEA"],
  ],
};

const PRODUCTS = [
  {
    key: "atlas",
    name: "Atlas Platform",
    pitch: "a workflow platform that connects field teams to back-office systems",
    rival: "Northwind Flow",
    industry: "manufacturing",
  },
  {
    key: "beacon",
    name: "Beacon Analytics",
    pitch: "an analytics suite that turns pipeline and usage data into weekly actions",
    rival: "Contoso Insight",
    industry: "finance",
  },
  {
    key: "compass",
    name: "Compass Mobile",
    pitch: "a mobile app that guides reps through visits, even with no signal",
    rival: "Fabrikam Go",
    industry: "retail",
  },
] as const;

function productItems(): DemoItem[] {
  return PRODUCTS.flatMap((p): DemoItem[] => [
    {
      key: `${p.key}-deck`,
      type: "deck",
      title: `${p.name} overview deck`,
      summary: `The first-meeting deck for ${p.name}: problem, approach, proof and pricing.`,
      tags: { product: [p.key], stage: ["awareness", "discovery"], persona: ["cio"] },
      // One product's deck is PowerPoint, so the demo shows every file type the pipeline reads.
      file: p.key === "atlas" ? "pptx" : "pdf",
      body: `${p.name}\nThe overview for a first meeting\f Why now\nTeams lose hours a week re-keying data. ${p.name} is ${p.pitch}.\f Proof\nCustomers report a 23 percent faster cycle within one quarter.\f Pricing\nPer seat, annual, with a pilot option for 20 seats.`,
    },
    {
      key: `${p.key}-one-pager`,
      type: "one_pager",
      title: `${p.name} one-pager`,
      summary: `A single page to leave behind after a meeting about ${p.name}.`,
      tags: { product: [p.key], stage: ["discovery"], persona: ["cfo", "ops"] },
      body: `${p.name} at a glance\n${p.name} is ${p.pitch}. Deployment takes four weeks. Security review pack available on request. Pricing starts per seat per month with volume tiers.`,
    },
    {
      key: `${p.key}-whitepaper`,
      type: "document",
      title: `${p.name} security whitepaper`,
      summary: `Encryption, data residency and compliance answers for ${p.name}.`,
      tags: { product: [p.key], stage: ["evaluation"], persona: ["cio"] },
      body: `Security overview\nData is encrypted at rest with AES-256 and in transit with TLS 1.3.\f Data residency\nCustomers choose the region: East, West or EMEA.\f Compliance\nSOC 2 Type II audited annually. Penetration tests twice a year.`,
    },
    {
      key: `${p.key}-roi`,
      type: "spreadsheet",
      title: `${p.name} ROI calculator`,
      summary: `Inputs a CFO will ask about and the payback period they produce.`,
      tags: { product: [p.key], stage: ["evaluation", "negotiation"], persona: ["cfo"] },
      body: `Seats\t50\nHours saved per seat per week\t3\nLoaded hourly cost\t62\nAnnual savings\t483600\nPayback months\t4`,
    },
    {
      key: `${p.key}-diagram`,
      type: "image",
      title: `${p.name} architecture diagram`,
      summary: `How ${p.name} connects to CRM, ERP and identity providers.`,
      tags: { product: [p.key], stage: ["evaluation"], persona: ["cio"] },
      body: `${p.name} architecture`,
    },
    {
      key: `${p.key}-video`,
      type: "video",
      title: `${p.name} five-minute demo`,
      summary: `A recorded walkthrough to send before a discovery call.`,
      tags: { product: [p.key], stage: ["awareness"] },
      body: "",
      videoUrl: `https://video.example.com/fieldkit-demo/${p.key}`,
    },
    {
      key: `${p.key}-talk-track`,
      type: "talk_track",
      title: `${p.name} discovery talk track`,
      summary: `Questions and transitions for a first discovery call on ${p.name}.`,
      tags: { product: [p.key], stage: ["discovery"] },
      body: `## Opening\nThank them for the time and confirm the agenda: *their priorities first*, then a short look at ${p.name}.\n\n## Questions\n1. How do your field teams get information back to the office today?\n2. What happens when a rep has no signal on site?\n3. Who signs off on a new tool, and what did the last purchase look like?\n\n## Transition\n"What I'm hearing is … — that's exactly what ${p.name} is for. May I show you two minutes of it?"`,
    },
    {
      key: `${p.key}-battle-card`,
      type: "battle_card",
      title: `${p.name} vs ${p.rival} battle card`,
      summary: `Where we win against ${p.rival}, landmines to lay, and traps to avoid.`,
      tags: { product: [p.key], stage: ["evaluation"] },
      body: `## Where we win\n- Works offline; ${p.rival} needs a connection for every screen.\n- Pricing is per seat with no platform fee.\n\n## Landmines to lay\n- Ask how ${p.rival} handles a visit with no signal.\n- Ask for their SOC 2 report date.\n\n## Where they win\n- Larger partner network in EMEA. Answer with our implementation guarantee.`,
    },
    {
      key: `${p.key}-objections`,
      type: "objection_handling",
      title: `${p.name} pricing objections`,
      summary: `Answers for "too expensive", "no budget this year" and "we'll build it ourselves".`,
      tags: { product: [p.key], stage: ["negotiation"], persona: ["cfo"] },
      body: `## "It's too expensive"\nCompare with the ROI calculator: payback in about four months at 50 seats.\n\n## "No budget this year"\nOffer the 20-seat pilot billed next fiscal year.\n\n## "We'll build it ourselves"\nAsk who maintains it in year two. Our customers' internal builds averaged 14 months.`,
    },
    {
      key: `${p.key}-email`,
      type: "email_template",
      title: `${p.name} follow-up email`,
      summary: `A follow-up after a first meeting with next steps and the one-pager.`,
      tags: { product: [p.key], stage: ["discovery"] },
      body: `Subject: Next steps on ${p.name}\n\nHi {{first_name}},\n\nThanks for your time today. As promised, here is the ${p.name} one-pager. Proposed next step: a 30-minute technical session with your team next week.\n\nBest,\n{{my_name}}`,
    },
  ]);
}

const DEFINITIONS: DemoItem[] = [
  [
    "qualified-lead",
    "What is a qualified lead",
    "A lead is qualified when it has a named contact, a confirmed need, a budget owner we have spoken to, and a timeline under 12 months. Marketing hands it over only when all four are recorded in the CRM.",
  ],
  [
    "mql",
    "Marketing qualified lead (MQL)",
    "A marketing qualified lead has engaged with two or more pieces of content in 30 days and matches our ideal customer profile. It is not yet a sales opportunity.",
  ],
  [
    "sql",
    "Sales qualified lead (SQL)",
    "A sales qualified lead is an MQL that a seller has spoken to and accepted, with a next meeting booked.",
  ],
  [
    "icp",
    "Ideal customer profile",
    "Organisations with 200 to 5,000 employees, a field workforce of 30 or more, and a CRM already in place.",
  ],
  [
    "pipeline-stages",
    "Pipeline stage definitions",
    "Discovery: need confirmed. Evaluation: technical review under way. Negotiation: proposal sent. Closed: signature or written no.",
  ],
].map(([key, title, text]) => ({
  key: `def-${key}`,
  type: "definition" as const,
  title,
  summary: text.split(". ")[0] + ".",
  tags: { stage: ["awareness"] },
  body: `**${title}.** ${text}`,
}));

const HEALTHCARE: DemoItem[] = [
  {
    key: "hc-deck",
    type: "deck",
    title: "Healthcare meeting kit: clinic operations deck",
    summary: "For clinic operations leads: scheduling, compliance and patient privacy.",
    tags: { industry: ["healthcare"], product: ["compass"], persona: ["ops"], stage: ["discovery"] },
    body: `Clinic operations\nHealthcare field teams visit clinics with poor signal.\f Privacy\nPatient data never leaves the device unencrypted; HIPAA business associate agreement available.\f Case study\nA regional clinic network cut visit preparation time by 40 percent.`,
  },
  {
    key: "hc-case-study",
    type: "document",
    title: "Healthcare case study: regional clinic network",
    summary: "How a 60-clinic network rolled out Compass Mobile in six weeks.",
    file: "docx",
    tags: { industry: ["healthcare"], product: ["compass"], stage: ["evaluation"] },
    body: `Case study\nA regional clinic network with 60 sites rolled out Compass Mobile in six weeks.\f Results\nVisit preparation time fell by 40 percent; compliance audit findings fell to zero.`,
  },
  {
    key: "hc-talk-track",
    type: "talk_track",
    title: "Healthcare compliance talk track",
    summary: "How to open a conversation about HIPAA and audit readiness.",
    tags: { industry: ["healthcare"], persona: ["cio"], stage: ["discovery"] },
    body: `## Opening\nAsk how their last compliance audit went and what took the most time.\n\n## Proof\nMention the regional clinic network: zero audit findings after rollout.`,
  },
];

const EXTRA: DemoItem[] = [
  {
    key: "west-pricing",
    type: "one_pager",
    title: "West region partner pricing sheet",
    summary: "Partner discounts valid only for the West team's accounts.",
    tags: { region: ["west"], stage: ["negotiation"] },
    audiences: ["Field West"],
    body: `West partner pricing\nPartner discount tiers apply only to accounts owned by Field West. Tier one: 10 percent. Tier two: 15 percent.`,
  },
  {
    key: "finance-battle-card",
    type: "battle_card",
    title: "Financial services procurement battle card",
    summary: "Procurement steps banks ask for, and how to shorten them.",
    tags: { industry: ["finance"], persona: ["cfo"], stage: ["negotiation"] },
    body: `## Expect\n- Vendor risk questionnaire (send our pre-filled copy).\n- Data residency confirmation.\n\n## Shorten it\nOffer the security whitepaper at the first meeting, not the third.`,
  },
  {
    key: "retail-photo",
    type: "image",
    title: "Retail store visit checklist (photo)",
    summary: "A photo of the printed checklist reps use on store visits.",
    file: "jpeg",
    tags: { industry: ["retail"], product: ["compass"], stage: ["discovery"] },
    body: "Store visit checklist",
  },
  {
    key: "old-pricing",
    type: "one_pager",
    title: "2025 price list (archived)",
    summary: "Last year's price list, kept for reference.",
    tags: { stage: ["negotiation"] },
    body: "2025 price list\nSuperseded by the current pricing in each product deck.",
    status: "archived",
  },
  {
    key: "draft-emea",
    type: "deck",
    title: "EMEA launch deck (draft)",
    summary: "Work in progress for the EMEA launch.",
    tags: { region: ["emea"] },
    body: "EMEA launch\nDraft: not ready for sellers.",
    status: "draft",
  },
  {
    key: "review-manufacturing",
    type: "one_pager",
    title: "Manufacturing quality one-pager",
    summary: "Waiting for review by the product marketing lead.",
    tags: { industry: ["manufacturing"], product: ["atlas"] },
    body: "Manufacturing quality\nAtlas Platform links inspections on the shop floor with the quality system.",
    status: "in_review",
  },
  {
    key: "expiring-promo",
    type: "one_pager",
    title: "Q4 promotion: pilot discount",
    summary: "The Q4 pilot discount; expires soon.",
    tags: { stage: ["negotiation"] },
    body: "Q4 pilot discount\n20 percent off the first year for pilots signed this quarter.",
    expiresInDays: 10,
  },
];

export const DEMO_ITEMS: DemoItem[] = [...productItems(), ...DEFINITIONS, ...HEALTHCARE, ...EXTRA];

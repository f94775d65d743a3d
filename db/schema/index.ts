export * from "./people";
export * from "./library";
export * from "./jobs";
export * from "./search";
export * from "./feedback";
export * from "./audit";
export * from "./onboarding";
export * from "./shares";

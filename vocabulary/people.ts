// Who can do what: the roles, in order of what they may see, and their names on screen.
export const ROLES = ["seller", "marketer", "manager", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABEL: Record<string, string> = {
  seller: "Seller",
  marketer: "Marketer",
  manager: "Manager",
  admin: "Admin",
} satisfies Record<Role, string>;

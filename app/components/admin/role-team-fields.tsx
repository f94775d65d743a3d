// The role and team pickers an admin fills in when adding a person or inviting one, and the option lists
// every role or team select on the admin's pages shares (the people table's rows and filters).
import { ROLE_LABEL, ROLES } from "@/vocabulary/people";

type Team = { id: string; name: string };

export function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {ROLE_LABEL[r]}
    </option>
  ));
}

export function TeamOptions({ teams }: { teams: Team[] }) {
  return teams.map((t) => (
    <option key={t.id} value={t.id}>
      {t.name}
    </option>
  ));
}

export function RoleAndTeamFields({ idPrefix, teams }: { idPrefix: string; teams: Team[] }) {
  return (
    <>
      <div>
        <label htmlFor={`${idPrefix}-role`}>Role</label>
        <select id={`${idPrefix}-role`} name="role" defaultValue="seller">
          <RoleOptions />
        </select>
      </div>
      <div>
        <label htmlFor={`${idPrefix}-team`}>Team</label>
        <select id={`${idPrefix}-team`} name="teamId" defaultValue="">
          <option value="">No team</option>
          <TeamOptions teams={teams} />
        </select>
      </div>
    </>
  );
}

import type { Static } from 'typebox';
import type * as Schemas from './index.js';

/**
 * The static types of the public shapes, types only (nothing to bundle): what `@bulwark/client`
 * and the console compile against. Each is the server's own schema's type, so a field removed
 * from a schema is a compile error in every reader.
 */
export type User = Static<typeof Schemas.User>;
export type CurrentUser = Static<typeof Schemas.CurrentUser>;
export type Session = Static<typeof Schemas.Session>;
export type OwnSession = Static<typeof Schemas.OwnSession>;
export type Key = Static<typeof Schemas.Key>;
export type AuditEvent = Static<typeof Schemas.AuditEvent>;
export type Client = Static<typeof Schemas.Client>;
export type Employee = Static<typeof Schemas.Employee>;
export type EmployeeStatus = Static<typeof Schemas.EmployeeStatus>;
export type NewEmployee = Static<typeof Schemas.NewEmployee>;
export type EmployeePatch = Static<typeof Schemas.EmployeePatch>;
export type Payment = Static<typeof Schemas.Payment>;
export type NewPayment = Static<typeof Schemas.NewPayment>;
export type PaymentKind = Payment['kind'];
export type PaymentFilter = Static<typeof Schemas.PaymentFilter>;
export type ReversalRequest = Static<typeof Schemas.ReversalRequest>;
export type PaymentOrder = Static<typeof Schemas.PaymentOrder>;
export type PaymentTotal = Static<typeof Schemas.PaymentTotal>;
export type EmployeeFilter = Static<typeof Schemas.EmployeeFilter>;
export type MfaStatus = Static<typeof Schemas.MfaStatus>;
export type TotpEnrolment = Static<typeof Schemas.TotpEnrolment>;
export type RecoveryCodes = Static<typeof Schemas.RecoveryCodes>;
export type TokenResponse = Static<typeof Schemas.TokenResponse>;
export type RefreshDelivery = Static<typeof Schemas.RefreshDelivery>;
export type Passkey = Static<typeof Schemas.Passkey>;
export type LoginFailures = Static<typeof Schemas.LoginFailures>;
export type Problem = Static<typeof Schemas.Problem>;
export type Invitation = Static<typeof Schemas.Invitation>;
export type InvitationRequest = Static<typeof Schemas.InvitationRequest>;
export type Accepted = Static<typeof Schemas.Accepted>;
export type EmailChangePending = Static<typeof Schemas.EmailChangePending>;
export type OthersRevoked = Static<typeof Schemas.OthersRevoked>;
export type Api = Static<typeof Schemas.Api>;
export type NewApiRequest = Static<typeof Schemas.NewApiRequest>;
export type ApiPatchRequest = Static<typeof Schemas.ApiPatchRequest>;
export type RoleDefinition = Static<typeof Schemas.RoleDefinition>;
export type NewRoleRequest = Static<typeof Schemas.NewRoleRequest>;
export type RolePatchRequest = Static<typeof Schemas.RolePatchRequest>;
export type UserRolesRequest = Static<typeof Schemas.UserRolesRequest>;
/** The query of every list: `cursor` (a page's next_cursor) and `limit`. */
export type PageQuery = Static<typeof Schemas.PageQuery>;
export type UserAttributes = Static<typeof Schemas.UserAttributes>;
/** A page of a list: `items` and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
export type { ProblemCode, Role } from './registry/index.js';

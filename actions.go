package weijian

// The audit-log actions: one vocabulary for the command line, the web and
// the store, so that a filter by action finds an event whichever way it
// was done.
const (
	ActionLogin            = "login"
	ActionLoginFailed      = "login.failed" // Target: the name tried
	ActionLoginLocked      = "login.locked" // Target: the name tried
	ActionLogout           = "logout"
	ActionPasswordChange   = "password.change" // by the user, with the old password
	ActionUserCreate       = "user.create"
	ActionUserUpdate       = "user.update"
	ActionUserActivate     = "user.activate"
	ActionUserDeactivate   = "user.deactivate"
	ActionUserGrants       = "user.grants"
	ActionUserPassword     = "user.password" // set by an administrator
	ActionUserUnlock       = "user.unlock"
	ActionTokenCreate      = "token.create"
	ActionTokenRevoke      = "token.revoke"
	ActionTokenUse         = "token.use"
	ActionOrgUnitImport    = "orgunit.import"
	ActionPopulationImport = "population.import"
	ActionTargetSet        = "target.set" // targets entered, imported or allocated
)

// ActorCLI is the actor of changes made on the command line (by whoever
// can run the binary against the database).
const ActorCLI = "cli"

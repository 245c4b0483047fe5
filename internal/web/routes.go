package web

import "net/http"

// route is one entry of the URL space.
type route struct {
	pattern string
	handler http.Handler
}

// routes lays out the whole URL space. open: no session needed; authed:
// a logged-in user (the handlers pass the user's scope to every store
// read); admin: a user who may manage users (within their scope).
func (s *Server) routes() []route {
	return []route{
		// Operations.
		{"GET /healthz", s.open(s.healthz)},
		{"GET /metrics", s.metrics.handler()},
		{"GET /assets/{file}", s.open(s.serveAsset)},

		// Session and language.
		{"GET /login", s.open(s.loginForm)},
		{"POST /login", s.open(s.login)},
		{"POST /logout", s.open(s.logout)},
		{"POST /lang", s.open(s.setLang)},

		// Pages.
		{"GET /{$}", s.authed(s.home)},
		{"GET /orgunits", s.authed(s.orgUnits)},
		{"GET /orgunits/export", s.authed(s.exportOrgUnits)},
		{"GET /orgunits/options", s.authed(s.unitOptions)},
		{"GET /orgunits/{code}", s.authed(s.orgUnit)},
		{"GET /orgunits/{code}/tree", s.authed(s.treeFragment)},
		{"GET /orgunits/{code}/children/export", s.authed(s.exportChildren)},
		{"GET /population", s.authed(s.populationPage)},
		{"GET /population/export", s.authed(s.exportPopulation)},
		{"GET /datasets", s.authed(s.dataSetsPage)},
		{"GET /datasets/{code}/entry", s.authed(s.entryForm)},
		{"POST /datasets/{code}/entry", s.authed(s.entrySave)},
		{"POST /datasets/{code}/complete", s.authed(s.entryComplete)},
		{"GET /datasets/{code}/completeness", s.authed(s.completenessPage)},
		{"GET /datasets/{code}/completeness/export", s.authed(s.exportCompleteness)},
		{"GET /account", s.authed(s.account)},
		{"POST /account/password", s.authed(s.changePassword)},

		// User management (admin).
		{"GET /users", s.admin(s.users)},
		{"GET /users/export", s.admin(s.exportUsers)},
		{"GET /users/new", s.admin(s.newUserForm)},
		{"POST /users", s.admin(s.createUserForm)},
		{"GET /users/{id}", s.admin(s.userDetail)},
		{"POST /users/{id}", s.admin(s.userAction("saved", s.saveProfile))},
		{"POST /users/{id}/grants", s.admin(s.userAction("grants", s.saveGrants))},
		{"POST /users/{id}/activate", s.admin(s.userAction("activated", s.setActive(true)))},
		{"POST /users/{id}/deactivate", s.admin(s.userAction("deactivated", s.setActive(false)))},
		{"POST /users/{id}/unlock", s.admin(s.userAction("unlocked", s.unlockUser))},
		{"POST /users/{id}/password", s.admin(s.resetPasswordForm)},
		{"GET /audit", s.admin(s.auditLog)},
		{"GET /audit/export", s.admin(s.exportAudit)},

		// JSON API (documented in openapi.yaml).
		{"GET /api/v1/openapi.yaml", s.open(s.openAPI)},
		{"GET /api/v1/me", s.authed(s.apiMe)},
		{"GET /api/v1/levels", s.authed(s.apiLevels)},
		{"GET /api/v1/facility-types", s.authed(s.apiFacilityTypes)},
		{"GET /api/v1/orgunits", s.authed(s.apiOrgUnits)},
		{"GET /api/v1/orgunits/{code}", s.authed(s.apiOrgUnit)},
		{"GET /api/v1/orgunits/{code}/children", s.authed(s.unitList(s.storeChildren))},
		{"GET /api/v1/orgunits/{code}/ancestors", s.authed(s.unitList(s.storeAncestors))},
		{"GET /api/v1/orgunits/{code}/subtree", s.authed(s.unitList(s.storeSubtree))},
		{"GET /api/v1/orgunits/{code}/history", s.authed(s.apiHistory)},
		{"GET /api/v1/population", s.authed(s.apiPopulation)},
		{"GET /api/v1/population/years", s.authed(s.apiPopulationYears)},
		{"GET /api/v1/datasets", s.authed(s.apiDataSets)},
		{"GET /api/v1/datavalues", s.authed(s.apiDataValues)},
		{"POST /api/v1/datavalues", s.authed(s.apiSaveDataValues)},
		{"GET /api/v1/completeness", s.authed(s.apiCompleteness)},
		{"POST /api/v1/completeness", s.authed(s.apiComplete)},
		{"DELETE /api/v1/completeness", s.authed(s.apiReopen)},
		{"GET /api/v1/users", s.admin(s.apiUsers)},
		{"POST /api/v1/users", s.admin(s.apiCreateUser)},
		{"GET /api/v1/users/{id}", s.admin(s.apiUser)},
		{"PATCH /api/v1/users/{id}", s.admin(s.apiPatchUser)},
		{"PUT /api/v1/users/{id}/grants", s.admin(s.apiSetGrants)},
		{"POST /api/v1/users/{id}/password", s.admin(s.apiResetPassword)},
		{"POST /api/v1/users/{id}/unlock", s.admin(s.apiUnlock)},
		{"GET /api/v1/audit", s.admin(s.apiAudit)},

		// Everything else: a 404 page, or JSON under /api/.
		{"/", s.open(notFound)},
	}
}

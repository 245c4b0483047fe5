package web

import "net/http"

// route is one entry of the URL space.
type route struct {
	pattern string
	handler http.Handler
}

// routes lays out the whole URL space. open: no session needed; authed:
// a logged-in user (the handlers pass the user's scope to every store
// read); admin: a user who may manage users (within their scope). Under
// /api/v1 a personal access token ("Authorization: Bearer …") stands for
// the session of its user (tokens.go).
func (s *Server) routes() []route {
	return []route{
		// Operations.
		{"GET /healthz", s.open(s.healthz)},
		{"GET /metrics", s.metricsRoute()},
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
		{"GET /import", s.authed(s.importForm)}, // import: who may edit org units or population
		{"POST /import/preview", s.authed(s.importPreview)},
		{"POST /import/confirm", s.authed(s.importConfirm)},
		{"GET /datasets", s.authed(s.dataSetsPage)},
		{"GET /datasets/{code}/entry", s.authed(s.entryForm)},
		{"POST /datasets/{code}/entry", s.authed(s.entrySave)},
		{"POST /datasets/{code}/complete", s.authed(s.entryComplete)},
		{"GET /datasets/{code}/completeness", s.authed(s.completenessPage)},
		{"GET /datasets/{code}/completeness/export", s.authed(s.exportCompleteness)},
		{"GET /account", s.authed(s.account)},

		// Residents, services and work lists (residents.go, worklists.go).
		{"GET /residents", s.authed(s.residentsSearch)},
		{"GET /residents/export", s.authed(s.exportResidents)},
		{"GET /residents/import", s.authed(s.residentImportForm)},
		{"POST /residents/import", s.authed(s.residentImport)},
		{"POST /residents/import/report", s.authed(s.residentImportReport)},
		{"GET /residents/{id}", s.authed(s.residentDetail)},
		{"GET /residents/{id}/record", s.authed(s.recordForm)},
		{"POST /residents/{id}/record", s.authed(s.recordService)},
		{"GET /events/{id}/edit", s.authed(s.editEventForm)},
		{"POST /events/{id}/edit", s.authed(s.saveEvent)},
		{"POST /events/{id}/void", s.authed(s.voidEvent)},
		{"GET /worklists", s.authed(s.workLists)},
		{"GET /worklists/export", s.authed(s.exportWorkList)},
		{"POST /account/password", s.authed(s.changePassword)},
		{"POST /account/tokens", s.authed(s.createTokenForm)},
		{"POST /account/tokens/{id}/revoke", s.authed(s.revokeTokenForm)},
		// Work summaries from live data (reports.go): analytics.view.
		{"GET /reports", s.authed(s.reportsPage)},
		{"GET /reports/download", s.authed(s.reportDownload)},
		{"GET /check", s.authed(s.checkForm)},
		{"POST /check", s.authed(s.checkReport)},
		{"POST /check/export", s.authed(s.exportCheck)},

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
		{"GET /api/v1/tokens", s.authed(s.apiTokens)},
		{"POST /api/v1/tokens", s.authed(s.apiCreateToken)},
		{"DELETE /api/v1/tokens/{id}", s.authed(s.apiRevokeToken)},
		{"POST /api/v1/check", s.authed(s.apiCheck)},
		{"GET /api/v1/residents", s.authed(s.apiResidents)},
		{"POST /api/v1/residents", s.authed(s.apiRegister)},
		{"GET /api/v1/residents/{id}", s.authed(s.apiResident)},
		{"GET /api/v1/residents/{id}/timeline", s.authed(s.apiTimeline)},
		{"POST /api/v1/residents/{id}/enrollments", s.authed(s.apiEnroll)},
		{"POST /api/v1/residents/{id}/events", s.authed(s.apiRecordEvent)},
		{"PUT /api/v1/events/{id}", s.authed(s.apiEditEvent)},
		{"POST /api/v1/events/{id}/void", s.authed(s.apiVoidEvent)},
		{"GET /api/v1/events/{id}/history", s.authed(s.apiEventHistory)},
		{"GET /api/v1/worklists/{list}", s.authed(s.apiWorkList)},
		{"GET /api/v1/analytics", s.authed(s.apiAnalytics)},
		{"GET /api/v1/analytics/persons", s.authed(s.apiAnalyticsPersons)},
		{"GET /api/v1/targets", s.authed(s.apiTargets)},
		{"POST /api/v1/targets", s.authed(s.apiSetTargets)},
		{"POST /api/v1/targets/allocate", s.authed(s.apiAllocate)},

		// Dashboards, the indicator catalogue and targets (dash*.go,
		// indicators.go, targets.go): analytics.view, within its scope.
		{"GET /dashboard", s.authed(s.dashboardPage)},
		{"GET /dashboard/export", s.authed(s.exportDashboard)},
		{"GET /dashboard/children/export", s.authed(s.exportDashChildren)},
		{"GET /dashboard/persons", s.authed(s.dashPersons)},
		{"GET /dashboard/persons/export", s.authed(s.exportDashPersons)},
		{"GET /indicators", s.authed(s.indicatorsCatalogue)},
		{"GET /indicators/export", s.authed(s.exportIndicators)},
		{"GET /indicators/{code}", s.authed(s.indicatorDetail)},
		{"GET /targets", s.authed(s.targetsPage)},
		{"GET /targets/export", s.authed(s.exportTargets)},
		{"POST /targets", s.authed(s.setTarget)},                // targets.edit
		{"POST /targets/allocate", s.authed(s.allocateTargets)}, // targets.edit

		// Notifiable-disease surveillance (surveil*.go).
		{"GET /surveillance", s.cardReader(s.surveillanceHome)},
		{"GET /surveillance/cases", s.cardReader(s.casesPage)},
		{"GET /surveillance/cases/export", s.cardReader(s.exportCases)},
		{"GET /surveillance/cases/new", s.cardReader(s.newCaseForm)},
		{"GET /surveillance/address-options", s.cardReader(s.addressOptions)},
		{"POST /surveillance/cases", s.cardReader(s.submitCase)},
		{"GET /surveillance/cases/{id}", s.cardReader(s.casePage)},
		{"GET /surveillance/cases/{id}/edit", s.cardReader(s.editCaseForm)},
		{"POST /surveillance/cases/{id}/verify", s.cdcOnly(s.caseAction("verify"))},
		{"POST /surveillance/cases/{id}/withdraw", s.cdcOnly(s.caseAction("withdraw"))},
		{"POST /surveillance/zero-report", s.cardReader(s.zeroReport)},
		{"GET /surveillance/import", s.cardReader(s.caseImportForm)},
		{"POST /surveillance/import", s.cardReader(s.importCases)},
		{"GET /surveillance/signals", s.cdcOnly(s.signalsPage)},
		{"GET /surveillance/signals/export", s.cdcOnly(s.exportSignals)},
		{"GET /surveillance/signals/{id}", s.cdcOnly(s.signalPage)},
		{"POST /surveillance/signals/{id}", s.cdcOnly(s.signalAction)},
		{"GET /surveillance/curve", s.cdcOnly(s.curvePage)},
		{"GET /surveillance/curve/export", s.cdcOnly(s.exportCurve)},
		{"GET /surveillance/compliance", s.cardReader(s.compliancePage)},
		{"GET /surveillance/compliance/export", s.cardReader(s.exportCompliance)},
		{"GET /surveillance/specificity", s.cdcOnly(s.specificityPage)},
		{"GET /surveillance/specificity/export", s.cdcOnly(s.exportSpecificity)},
		{"GET /api/v1/diseases", s.cardReader(s.apiDiseases)},
		{"GET /api/v1/cases", s.cardReader(s.apiCases)},
		{"POST /api/v1/cases", s.cardReader(s.apiCreateCase)},
		{"GET /api/v1/cases/{id}", s.cardReader(s.apiCase)},
		{"POST /api/v1/cases/{id}/correction", s.cardReader(s.apiCorrectCase)},
		{"POST /api/v1/cases/{id}/withdrawal", s.cdcOnly(s.apiWithdrawCase)},
		{"POST /api/v1/cases/{id}/verification", s.cdcOnly(s.apiVerifyCase)},
		{"GET /api/v1/signals", s.cdcOnly(s.apiSignals)},
		{"GET /api/v1/signals/{id}", s.cdcOnly(s.apiSignal)},
		{"POST /api/v1/signals/{id}/actions", s.cdcOnly(s.apiSignalAction)},

		// Everything else: a 404 page, or JSON under /api/.
		{"/", s.open(notFound)},
	}
}


/// Which policy every operation needs and on what (DESIGN.md §4.3), for the documentation and the authorization
/// matrix tests. It decides nothing: the services decide, on the typed ids they touch (`TenantAccess`), for every
/// caller (API, CLI, UI). A test checks this table against the spec and against the services' answers.
package enum OperationRules {
    /// What an operation needs.
    package enum Rule: Sendable, Hashable {
        /// Platform callers only.
        case platform
        /// Any authenticated caller of the tenant.
        case member
        case policy(String, Target)
    }

    package enum Target: Sendable, Hashable {
        case tenant
        case list
        /// The party of the `id` path parameter.
        case pathParty
        /// The edge of the `relationshipId` path parameter.
        case pathRelationship
        /// The partner account of the `id` path parameter (both of its parties).
        case pathAccount
        /// Parties named by these fields of the JSON body.
        case bodyParties([String])
    }

    /// Every operation of the spec, with what it needs.
    package static let all: [String: Rule] = [
        "healthLive": .member, "healthReady": .member,
        "createTenant": .platform, "listTenants": .platform, "retryTracking": .platform,
        "getTenant": .member, "updateTenant": .policy("tenants.manage", .tenant),
        "createParty": .policy("parties.write", .tenant),
        "searchParties": .policy("parties.read", .list),
        "lookupParty": .policy("parties.read", .list),
        "getParty": .policy("parties.read", .pathParty),
        "updateParty": .policy("parties.write", .pathParty),
        "deleteParty": .policy("parties.write", .pathParty),
        "restoreParty": .policy("parties.write", .pathParty),
        "changePartyState": .policy("parties.write", .pathParty),
        "getPartyHistory": .policy("parties.read", .pathParty),
        "recordConsent": .policy("parties.write", .pathParty),
        "listConsents": .policy("parties.read", .pathParty),
        "listConsentMatches": .policy("parties.read", .list),
        "exportParty": .policy("parties.read", .pathParty),
        "exportParties": .policy("parties.read", .list),
        "exportRelationships": .policy("parties.read", .list),
        "listDuplicates": .policy("parties.read", .list),
        "mergeParties": .policy("parties.write", .pathParty),
        "undoMerge": .policy("parties.write", .list),
        "createImport": .policy("parties.write", .tenant),
        // An import right somewhere; a job is visible to a tenant-wide holder of its right, else to who started it (404).
        "getImport": .policy("parties.write", .list),
        "listImports": .policy("parties.write", .list),
        "listImportErrors": .policy("parties.write", .list),
        "listChildren": .policy("parties.read", .pathParty),
        "listDescendants": .policy("parties.read", .pathParty),
        "listAncestors": .policy("parties.read", .pathParty),
        "createRelationship": .policy("relationships.write", .bodyParties(["parentId", "childId"])),
        "listRelationships": .policy("parties.read", .list),
        "getRelationship": .policy("parties.read", .pathRelationship),
        "deleteRelationship": .policy("relationships.write", .pathRelationship),
        "createTag": .policy("parties.write", .tenant),
        "listTags": .policy("parties.read", .list),
        "tagParty": .policy("parties.write", .pathParty),
        "untagParty": .policy("parties.write", .pathParty),
        "untagPartyByReference": .policy("parties.write", .pathParty),
        "createPartnerAccount": .policy("parties.write", .bodyParties(["partnerId", "customerId"])),
        "listPartnerAccounts": .policy("parties.read", .list),
        "revealPartnerAccountSecret": .policy("credentials.reveal", .pathAccount),
        "getPartnerAccount": .policy("parties.read", .pathAccount),
        "updatePartnerAccount": .policy("parties.write", .pathAccount),
        "deletePartnerAccount": .policy("parties.write", .pathAccount),
        "createUser": .policy("users.manage", .tenant),
        "listUsers": .policy("users.read", .list),
        "importDealers": .policy("users.manage", .tenant),
        "getUser": .policy("users.read", .tenant),
        "updateUser": .policy("users.manage", .list),
        "getSegment": .policy("users.read", .tenant),
        "putSegment": .policy("users.manage", .tenant),
        "listSegments": .policy("users.read", .tenant),
        "deleteSegment": .policy("users.manage", .tenant),
        "resolveIdentity": .policy("users.manage", .tenant),
        "createAPIKey": .policy("users.manage", .tenant),
        "listAPIKeys": .policy("users.read", .tenant),
        "revokeAPIKey": .policy("users.manage", .tenant),
        "getMe": .member,
        "createRole": .policy("roles.manage", .list),
        // Scoped: the roles inside the caller's subtrees and its own (users.read or roles.manage somewhere).
        "listRoles": .policy("users.read", .list),
        "deleteRole": .policy("roles.manage", .list),
        "grantRole": .policy("roles.manage", .list),
        "listUserRoles": .policy("users.read", .tenant),
        "revokeRole": .policy("roles.manage", .list),
        "revokeRoleByReference": .policy("roles.manage", .list),
        "checkAccess": .policy("users.read", .tenant),
        "listAccessibleParties": .policy("users.read", .tenant),
        "identifyCustomer": .policy("parties.write", .tenant),
        "customerStats": .policy("parties.read", .tenant),
        "listAudit": .policy("audit.read", .list),
        "verifyAudit": .policy("audit.read", .tenant),
        "verifyAuditAnchor": .policy("audit.read", .tenant), "getAuditHead": .policy("audit.read", .tenant),
    ]
}

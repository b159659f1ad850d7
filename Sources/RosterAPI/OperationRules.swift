import Foundation
package import HTTPTypes
package import OpenAPIRuntime
import RosterCore
package import RosterService

/// Authorization of every operation (DESIGN.md §4.3): which policy it needs and on what.
///
/// A platform caller acts on every tenant. A tenant's user or API key acts only on its own tenant (another
/// tenant is 404, never 403), and only where its grants reach: ADMIN everywhere, MANAGEMENT reads, and the
/// policies of its roles, tenant-wide or on organization subtrees. A party outside everything the caller
/// may read is 404. The subtrees the caller may read go into the request's context, which filters lists.
package struct AccessMiddleware: ServerMiddleware {
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
        /// Parties named by these fields of the JSON body.
        case bodyParties([String])
    }

    /// Every operation of the spec, with what it needs. An operation missing here is refused (see the test
    /// that checks this table against the spec), so that a new endpoint can't be open by omission.
    package static let rules: [String: Rule] = [
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
        "createPartnerAccount": .policy("parties.write", .bodyParties(["partnerId", "customerId"])),
        "listPartnerAccounts": .policy("parties.read", .tenant),
        "revealPartnerAccountSecret": .policy("credentials.reveal", .tenant),
        "createUser": .policy("users.manage", .tenant),
        "listUsers": .policy("users.read", .tenant),
        "importDealers": .policy("users.manage", .tenant),
        "getUser": .policy("users.read", .tenant),
        "updateUser": .policy("users.manage", .tenant),
        "getSegment": .policy("users.read", .tenant),
        "putSegment": .policy("users.manage", .tenant),
        "resolveIdentity": .policy("users.manage", .tenant),
        "createAPIKey": .policy("users.manage", .tenant),
        "listAPIKeys": .policy("users.manage", .tenant),
        "revokeAPIKey": .policy("users.manage", .tenant),
        "getMe": .member,
        "createRole": .policy("roles.manage", .tenant),
        "listRoles": .policy("users.read", .tenant),
        "grantRole": .policy("roles.manage", .tenant),
        "listUserRoles": .policy("users.read", .tenant),
        "revokeRole": .policy("roles.manage", .tenant),
        "checkAccess": .policy("users.read", .tenant),
        "listAccessibleParties": .policy("users.read", .tenant),
        "identifyCustomer": .policy("parties.write", .tenant),
        "customerStats": .policy("parties.read", .tenant),
        "listAudit": .policy("audit.read", .tenant),
        "verifyAudit": .policy("audit.read", .tenant),
    ]

    let access: AccessService
    let maxBodyBytes: Int

    package init(access: AccessService, maxBodyBytes: Int) {
        self.access = access
        self.maxBodyBytes = maxBodyBytes
    }

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // Unauthenticated paths (health) have no caller; `/v1` paths were refused with 401 before this.
        guard let caller = RequestInfo.current.caller else { return try await next(request, body, metadata) }
        guard let rule = Self.rules[operationID] else { throw RosterError.forbidden("this operation has no access rule") }
        let tenant = metadata.pathParameters["tenant"].map(String.init)
        if let home = caller.tenantSlug, let tenant, tenant != home {
            throw RosterError.notFound("no tenant \(tenant.prefix(63))")
        }
        guard case .policy(let policy, let target) = rule else {
            if rule == .platform, !caller.principal.isPlatform { throw RosterError.forbidden("only a platform token may do this") }
            return try await next(request, body, metadata)
        }
        if caller.principal.isPlatform { return try await next(request, body, metadata) }
        guard let tenant else { throw RosterError.forbidden("only a platform token may do this") }

        var body = body
        let accessTarget: AccessTarget
        switch target {
        case .tenant: accessTarget = .tenant
        case .list: accessTarget = .list
        case .pathParty:
            // A malformed id goes on to the handler's 404.
            guard let id = metadata.pathParameters["id"].flatMap({ Party.ID(uuidString: String($0)) }) else { accessTarget = .list; break }
            accessTarget = .parties([id])
        case .pathRelationship:
            guard let id = metadata.pathParameters["relationshipId"].flatMap({ Relationship.ID(uuidString: String($0)) }) else {
                accessTarget = .list
                break
            }
            accessTarget = .relationship(id)
        case .bodyParties(let fields):
            var bytes: [UInt8] = []
            if let given = body { bytes = try await [UInt8](collecting: given, upTo: maxBodyBytes) }
            body = bytes.isEmpty ? nil : HTTPBody(bytes)
            let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
            let ids: [Party.ID] = fields.compactMap { field in (object?[field] as? String).flatMap { Party.ID(uuidString: $0) } }
            // Without both ids the handler answers 400 or 422; the policy must still hold somewhere.
            accessTarget = ids.count == fields.count ? .parties(ids) : .list
        }
        let visible = try await access.authorize(caller, tenant: tenant, policy: policy, target: accessTarget)
        var info = RequestInfo.current
        info.visibleSubtrees = visible
        return try await RequestInfo.$current.withValue(info) { [body] in try await next(request, body, metadata) }
    }
}

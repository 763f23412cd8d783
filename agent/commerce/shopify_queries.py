"""The Admin GraphQL documents the Shopify order source sends, one named operation each.

Order reads are always scoped to one customer (``customer(id:) { orders }``); the page
sizes keep the requested cost of a page of orders well under Shopify's per-query limit.
"""

from __future__ import annotations

CUSTOMER_FIELDS = """
  id
  displayName
  firstName
  lastName
  defaultEmailAddress { emailAddress }
  defaultPhoneNumber { phoneNumber }
"""

ORDER_FIELDS = """
  id
  name
  createdAt
  cancelledAt
  closed
  displayFulfillmentStatus
  statusPageUrl
  currencyCode
  note
  customer { id }
  shippingAddress { formatted(withName: false) }
  lineItems(first: 10) {
    nodes {
      id
      title
      variantTitle
      quantity
      currentQuantity
      unfulfilledQuantity
      refundableQuantity
      originalUnitPriceSet { shopMoney { amount } }
      variant { id }
      product { id tags }
    }
  }
  fulfillments(first: 5) {
    id
    status
    displayStatus
    createdAt
    updatedAt
    deliveredAt
    trackingInfo(first: 1) { company number url }
    fulfillmentLineItems(first: 10) { nodes { quantity lineItem { id } } }
  }
  refunds(first: 5) {
    createdAt
    refundLineItems(first: 10) { nodes { quantity restockType lineItem { id } } }
  }
  fulfillmentOrders(first: 5) {
    nodes {
      status
      lineItems(first: 10) { nodes { remainingQuantity lineItem { id } } }
    }
  }
"""

CUSTOMER_SEARCH = "CustomerSearch"
CUSTOMER_SEARCH_QUERY = f"""
query {CUSTOMER_SEARCH}($query: String!) {{
  customers(first: 5, query: $query) {{ nodes {{ {CUSTOMER_FIELDS} }} }}
}}
"""

CUSTOMER_BY_ID = "CustomerById"
CUSTOMER_BY_ID_QUERY = f"""
query {CUSTOMER_BY_ID}($id: ID!) {{
  customer(id: $id) {{ {CUSTOMER_FIELDS} }}
}}
"""

CUSTOMER_ORDERS = "CustomerOrders"
CUSTOMER_ORDERS_QUERY = f"""
query {CUSTOMER_ORDERS}($id: ID!, $first: Int!, $after: String) {{
  customer(id: $id) {{
    id
    orders(first: $first, after: $after, sortKey: CREATED_AT, reverse: true) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {ORDER_FIELDS} }}
    }}
  }}
}}
"""

PRODUCTS = "Products"
PRODUCTS_QUERY = f"""
query {PRODUCTS}($first: Int!) {{
  products(first: $first, sortKey: TITLE) {{
    nodes {{
      id
      title
      productType
      description
      tags
      variants(first: 20) {{
        nodes {{ id title price inventoryQuantity selectedOptions {{ name value }} }}
      }}
    }}
  }}
}}
"""

DOCTOR_PROBE = "DoctorProbe"
DOCTOR_PROBE_QUERY = f"""
query {DOCTOR_PROBE} {{
  shop {{ name myshopifyDomain }}
  currentAppInstallation {{ accessScopes {{ handle }} }}
  publicApiVersions {{ handle supported }}
}}
"""

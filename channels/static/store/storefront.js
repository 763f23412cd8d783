/*
 * The demo storefront: the catalog (or one product on /products/<id>), add-to-cart, the
 * cart with its discount, and the contact form. The cart lives on the chat conversation
 * through window.CustomerAgent.cart (widget.js), so the team sees what is in it. Built with
 * createElement and textContent only.
 */
(function () {
  "use strict";

  const agent = window.CustomerAgent;
  const byId = (id) => document.getElementById(id);
  let currency = "EUR";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function money(amount) {
    return new Intl.NumberFormat("en-IE", { style: "currency", currency: currency })
      .format(Number(amount));
  }

  function say(id, text) {
    byId(id).textContent = text;
  }

  function priceOf(product) {
    const prices = product.variants.map((v) => Number(v.price));
    const lowest = Math.min(...prices);
    return (prices.some((p) => p !== lowest) ? "from " : "") + money(lowest);
  }

  function productCard(product, detailed) {
    const item = el("li", "product");
    item.dataset.productId = product.id;
    const heading = el(detailed ? "h1" : "h2", "product-title");
    const link = el("a", "", product.title);
    link.href = "/products/" + encodeURIComponent(product.id);
    heading.append(link);
    item.append(heading, el("p", "product-type", product.product_type),
                el("p", "product-price", priceOf(product)));
    if (detailed) {
      item.append(el("p", "product-description", product.description));
      if (product.material) item.append(el("p", "product-material", product.material));
    }
    const inStock = product.variants.filter((v) => v.in_stock);
    if (!inStock.length) {
      item.append(el("p", "sold-out", "Sold out"));
      return item;
    }
    const selectId = "variant-" + product.id;
    const label = el("label", "", "Variant");
    label.htmlFor = selectId;
    const select = el("select", "variant");
    select.id = selectId;
    for (const variant of inStock) {
      const option = el("option", "", (variant.title || "One size") + " – " + money(variant.price));
      option.value = variant.id;
      select.append(option);
    }
    const add = el("button", "add-to-cart", "Add to cart");
    add.type = "button";
    add.setAttribute("aria-label", "Add " + product.title + " to cart");
    add.addEventListener("click", () => {
      add.disabled = true;
      agent.cart.add(select.value, 1)
        .then(() => say("cart-status", "Added " + product.title + " to your cart."),
              (error) => say("cart-status", error.message))
        .finally(() => { add.disabled = false; });
    });
    item.append(label, select, add);
    return item;
  }

  function showCart(cart) {
    currency = cart.currency || currency;
    const items = byId("cart-items");
    items.replaceChildren();
    for (const line of cart.items) {
      const row = el("li", "cart-line");
      row.dataset.variantId = line.variant_id;
      row.append(el("span", "cart-line-title", line.title + (line.variant ? " (" + line.variant + ")" : "")),
                 el("span", "cart-line-qty", line.quantity + " × " + money(line.unit_price)));
      const remove = el("button", "remove", "Remove");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove " + line.title + " from cart");
      remove.addEventListener("click", () => {
        agent.cart.remove(line.variant_id)
          .then(() => say("cart-status", "Removed " + line.title + " from your cart."),
                (error) => say("cart-status", error.message));
      });
      row.append(remove);
      items.append(row);
    }
    byId("cart-empty").hidden = cart.items.length > 0;
    say("cart-count", cart.item_count);
    say("cart-items-count", cart.item_count);
    say("cart-subtotal", money(cart.subtotal));
    const discount = cart.discount;
    byId("cart-discount-label").hidden = byId("cart-discount").hidden = !discount;
    if (discount) {
      say("cart-discount-label", "Discount (" + discount.code + ")");
      say("cart-discount", "−" + money(discount.amount));
    }
    say("cart-total", money(cart.total));
  }

  async function showCatalog() {
    const response = await fetch("/store/products");
    const catalog = await response.json();
    currency = catalog.currency;
    say("store-name", catalog.store_name);
    const list = byId("products");
    const match = location.pathname.match(/^\/products\/([^/]+)$/);
    const wanted = match ? decodeURIComponent(match[1]) : null;
    const shown = wanted ? catalog.products.filter((p) => p.id === wanted) : catalog.products;
    if (wanted && shown.length) {
      document.title = shown[0].title + " – " + catalog.store_name;
      byId("catalog-title").hidden = true;
    } else {
      document.title = catalog.store_name + " – demo store";
    }
    list.replaceChildren(...shown.map((p) => productCard(p, Boolean(wanted))));
    list.dataset.loaded = "true";
  }

  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return "form-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function contactForm() {
    const form = byId("contact-form");
    let formId = randomId();  // one id per message, so a double submit is one message
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      const body = { name: form.elements.name.value, email: form.elements.email.value,
                     message: form.elements.message.value, form_id: formId };
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const response = await fetch("/store/contact", {
          method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify(body) });
        const answer = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(answer.error || "could not send your message");
        say("contact-status", "Thanks, we received your message and will answer by email.");
        form.reset();
        formId = randomId();
      } catch (error) {
        say("contact-status", error.message);
      } finally {
        button.disabled = false;
      }
    });
  }

  window.addEventListener("customer-agent:cart", (event) => showCart(event.detail));
  contactForm();
  // The stored cart is read before the products (and their add buttons) appear, so a
  // slow first read can never land after an add and show the cart as it was before it.
  agent.cart.get().catch(() => { /* the cart shows as empty */ })
    .then(showCatalog).then(() => agent.trackPage()).catch((error) => {
      say("cart-status", "The shop could not load: " + error.message);
    });
})();

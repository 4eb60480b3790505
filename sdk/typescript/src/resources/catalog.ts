import type { RequestOptions } from "../http.js";
import { Resource, seg } from "../resource.js";
import type {
  AddBundleComponentParams,
  Bundle,
  CatalogItemBySku,
  CreateBundleParams,
  CreateItemParams,
  CreateProductParams,
  CreateVariantParams,
  InventoryAdjustmentParams,
  InventoryAdjustmentResult,
  InventoryChange,
  Item,
  ListParams,
  ModifierSet,
  ModifierSetParams,
  Product,
  ProductListParams,
  ReplaceCategoriesParams,
  SearchListParams,
  Stock,
  UpdateBundleComponentParams,
  UpdateBundleParams,
  UpdateProductParams,
  UpdateVariantParams,
  Variant,
} from "../types.js";

const product = (productId: string) => `/v1/products/${seg(productId)}`;
const variant = (productId: string, variantId: string) => `${product(productId)}/variants/${seg(variantId)}`;

export class Products extends Resource {
  create(params: CreateProductParams, options?: RequestOptions) {
    return this.call<Product>("POST", "/v1/products", params, options);
  }
  get(productId: string, options?: RequestOptions) {
    return this.call<Product>("GET", product(productId), undefined, options);
  }
  list(params?: ProductListParams, options?: RequestOptions) {
    return this.paginate<Product>("/v1/products", params, options);
  }
  /** Sparse update (omitted fields unchanged; `metadata` merges by key). */
  update(productId: string, params: UpdateProductParams, options?: RequestOptions) {
    return this.call<Product>("PATCH", product(productId), params, options);
  }
  delete(productId: string, options?: RequestOptions) {
    return this.call<Product>("DELETE", product(productId), undefined, options);
  }
  /** Replaces the product's categories with `{ categories }`. */
  replaceCategories(productId: string, params: ReplaceCategoriesParams, options?: RequestOptions) {
    return this.call<Product>("PUT", `${product(productId)}/categories`, params, options);
  }
}

/** A product's variants: `/v1/products/{productId}/variants/…`. */
export class Variants extends Resource {
  create(productId: string, params: CreateVariantParams, options?: RequestOptions) {
    return this.call<Variant>("POST", `${product(productId)}/variants`, params, options);
  }
  get(productId: string, variantId: string, options?: RequestOptions) {
    return this.call<Variant>("GET", variant(productId, variantId), undefined, options);
  }
  update(productId: string, variantId: string, params: UpdateVariantParams, options?: RequestOptions) {
    return this.call<Variant>("PATCH", variant(productId, variantId), params, options);
  }
  /** The answer is the product without that variant. */
  delete(productId: string, variantId: string, options?: RequestOptions) {
    return this.call<Product>("DELETE", variant(productId, variantId), undefined, options);
  }
}

/** A variant's stock: its level, adjustments and history. */
export class Inventory extends Resource {
  get(productId: string, variantId: string, options?: RequestOptions) {
    return this.call<Stock>("GET", `${variant(productId, variantId)}/inventory`, undefined, options);
  }
  /** `{ quantityDelta, changeReason, note? }`; the answer is `{ change, stock }`. */
  adjust(productId: string, variantId: string, params: InventoryAdjustmentParams, options?: RequestOptions) {
    return this.call<InventoryAdjustmentResult>("POST", `${variant(productId, variantId)}/inventory-adjustments`, params, options);
  }
  /** Every change of the variant's stock (adjustments, sales, refunds), page after page. */
  history(productId: string, variantId: string, params?: ListParams, options?: RequestOptions) {
    return this.paginate<InventoryChange>(`${variant(productId, variantId)}/inventory-history`, params, options);
  }
}

export class Catalog extends Resource {
  /** The variant or bundle a SKU names: `{ sku, objectType, productId, variantId, bundleId, object }`. */
  bySku(sku: string, options?: RequestOptions) {
    return this.call<CatalogItemBySku>("GET", `/v1/catalog/by-sku/${seg(sku)}`, undefined, options);
  }
}

const bundle = (bundleId: string) => `/v1/bundles/${seg(bundleId)}`;

export class Bundles extends Resource {
  create(params: CreateBundleParams, options?: RequestOptions) {
    return this.call<Bundle>("POST", "/v1/bundles", params, options);
  }
  get(bundleId: string, options?: RequestOptions) {
    return this.call<Bundle>("GET", bundle(bundleId), undefined, options);
  }
  list(params?: SearchListParams & { category?: string }, options?: RequestOptions) {
    return this.paginate<Bundle>("/v1/bundles", params, options);
  }
  update(bundleId: string, params: UpdateBundleParams, options?: RequestOptions) {
    return this.call<Bundle>("PATCH", bundle(bundleId), params, options);
  }
  delete(bundleId: string, options?: RequestOptions) {
    return this.call<Bundle>("DELETE", bundle(bundleId), undefined, options);
  }
  replaceCategories(bundleId: string, params: ReplaceCategoriesParams, options?: RequestOptions) {
    return this.call<Bundle>("PUT", `${bundle(bundleId)}/categories`, params, options);
  }
  /** The answer is the whole bundle. */
  addComponent(bundleId: string, params: AddBundleComponentParams, options?: RequestOptions) {
    return this.call<Bundle>("POST", `${bundle(bundleId)}/components`, params, options);
  }
  updateComponent(bundleId: string, componentId: string, params: UpdateBundleComponentParams, options?: RequestOptions) {
    return this.call<Bundle>("PATCH", `${bundle(bundleId)}/components/${seg(componentId)}`, params, options);
  }
  removeComponent(bundleId: string, componentId: string, options?: RequestOptions) {
    return this.call<Bundle>("DELETE", `${bundle(bundleId)}/components/${seg(componentId)}`, undefined, options);
  }
}

const modifierSet = (id: string) => `/v1/modifier-sets/${seg(id)}`;

export class ModifierSets extends Resource {
  create(params: ModifierSetParams, options?: RequestOptions) {
    return this.call<ModifierSet>("POST", "/v1/modifier-sets", params, options);
  }
  get(modifierSetId: string, options?: RequestOptions) {
    return this.call<ModifierSet>("GET", modifierSet(modifierSetId), undefined, options);
  }
  list(params?: SearchListParams, options?: RequestOptions) {
    return this.paginate<ModifierSet>("/v1/modifier-sets", params, options);
  }
  update(modifierSetId: string, params: ModifierSetParams, options?: RequestOptions) {
    return this.call<ModifierSet>("PATCH", modifierSet(modifierSetId), params, options);
  }
  delete(modifierSetId: string, options?: RequestOptions) {
    return this.call<ModifierSet>("DELETE", modifierSet(modifierSetId), undefined, options);
  }
}

/**
 * Items: the product page's vocabulary. An item is a simple product (one default variant); its id is the
 * product id and orders can name it by `itemId`.
 */
export class Items extends Resource {
  async create(params: CreateItemParams, options?: RequestOptions): Promise<Item> {
    if (params.type !== "ITEM_TYPE_PRODUCT") throw new TypeError(`Flint: unsupported item type ${String(params.type)} (only ITEM_TYPE_PRODUCT)`);
    const tracked = params.inventoryCount !== undefined;
    const created = await this.client.products.create(
      {
        name: params.name,
        description: params.description,
        metadata: params.metadata,
        defaultVariant: {
          sku: params.sku,
          unitPriceMoney: params.unitPriceMoney,
          initialQuantityAvailable: params.inventoryCount,
          enforceInventoryLimit: tracked ? true : undefined,
        },
      },
      options,
    );
    return this.remember(created);
  }

  async get(itemId: string, options?: RequestOptions): Promise<Item> {
    return this.remember(await this.client.products.get(itemId, options));
  }

  /** The variant an `itemId` stands for: remembered from create/get, else read from the product. */
  async variantOf(itemId: string, options?: RequestOptions): Promise<string> {
    const known = this.client.itemVariants.get(itemId);
    if (known) return known;
    return (await this.get(itemId, options)).variantId;
  }

  private remember(p: Product): Item {
    const variantId = p.defaultVariantId ?? p.defaultVariant?.variantId ?? undefined;
    if (!variantId) throw new TypeError(`Flint: product ${p.productId} has no default variant, so it is not a simple item`);
    this.client.itemVariants.set(p.productId, variantId);
    return { itemId: p.productId, variantId, product: p };
  }
}

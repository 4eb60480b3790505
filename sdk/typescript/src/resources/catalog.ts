import type { RequestOptions } from "../http.js";
import { ObjectsResource, Resource, seg } from "../resource.js";
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

/** Products; `update` is sparse (omitted fields unchanged; `metadata` merges by key). */
export class Products extends ObjectsResource<Product, CreateProductParams, UpdateProductParams, ProductListParams> {
  protected readonly path = "/v1/products";
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

export class Bundles extends ObjectsResource<Bundle, CreateBundleParams, UpdateBundleParams, SearchListParams & { category?: string }> {
  protected readonly path = "/v1/bundles";
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

export class ModifierSets extends ObjectsResource<ModifierSet, ModifierSetParams, ModifierSetParams, SearchListParams> {
  protected readonly path = "/v1/modifier-sets";
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

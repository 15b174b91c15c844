# The code of pandas20.ipynb as one script (generated with it): the floor for the engine benchmark.
input_path = 'data/sales-10000.csv'
import pandas as pd
import numpy as np
df = pd.read_csv(input_path, parse_dates=['order_date'])
print(len(df))
df['revenue'] = df['quantity'] * df['unit_price']
df['month'] = df['order_date'].dt.month
print(df.head())
print(df.describe())
by_region = df.groupby('region')['revenue'].agg(['count', 'sum', 'mean'])
print(by_region)
by_product = df.groupby('product').agg(units=('quantity', 'sum'), revenue=('revenue', 'sum'))
print(by_product.sort_values('revenue', ascending=False))
pivot = df.pivot_table(index='month', columns='region', values='revenue', aggfunc='sum')
print(pivot.round(1))
top_customers = df.groupby('customer')['revenue'].sum().nlargest(10)
print(top_customers)
df['big_order'] = df['quantity'] >= 15
print(df['big_order'].mean())
monthly = df.set_index('order_date').resample('M')['revenue'].sum()
print(monthly.tail())
rolling = monthly.rolling(3).mean()
print(rolling.dropna().round(2))
df['product_upper'] = df['product'].str.upper()
print(df['product_upper'].value_counts())
share = by_region['sum'] / by_region['sum'].sum()
print(share.round(3))
merged = df.merge(by_region[['mean']], left_on='region', right_index=True)
print(merged[['region', 'revenue', 'mean']].head())
ranked = df.sort_values(['region', 'revenue'], ascending=[True, False]).groupby('region').head(3)
print(ranked[['region', 'product', 'revenue']])
quantiles = df['revenue'].quantile([0.1, 0.5, 0.9])
print(quantiles)
corr = df[['quantity', 'unit_price', 'revenue']].corr()
print(corr.round(3))
summary = {'rows': int(len(df)), 'revenue': round(float(df['revenue'].sum()), 2)}
print(summary)
